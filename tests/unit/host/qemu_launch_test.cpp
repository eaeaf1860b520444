#include "qemu/accelerator.h"
#include "qemu/machine_types.h"
#include "qemu/qemu_command.h"
#include "support/error.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ingot {
namespace {

// The head of QEMU 7.2's `-machine help`.
constexpr const char* machine_help = R"(Supported machines are:
microvm              microvm (i386)
pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)
pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)
pc-i440fx-1.4        Standard PC (i440FX + PIIX, 1996) (deprecated)
q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)
pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)
isapc                ISA-only PC
none                 empty machine
)";

TEST(MachineTypes, ParsesNamesInOrder) {
    EXPECT_EQ(parse_machine_types(machine_help),
              (std::vector<std::string>{"microvm", "pc", "pc-i440fx-7.2", "pc-i440fx-1.4", "q35",
                                        "pc-q35-7.2", "isapc", "none"}));
}

TEST(MachineTypes, AcceptsKnownNamesWithProperties) {
    auto known = parse_machine_types(machine_help);
    EXPECT_NO_THROW(check_machine_type("microvm", known));
    EXPECT_NO_THROW(check_machine_type("pc-q35-7.2", known));
    EXPECT_NO_THROW(check_machine_type("microvm,pit=off,rtc=off", known));
}

TEST(MachineTypes, RefusesUnknownNamingTheUnversionedChoices) {
    auto known = parse_machine_types(machine_help);
    try {
        check_machine_type("virt,x=1", known);
        FAIL() << "accepted 'virt'";
    } catch (const UserError& error) {
        std::string message = error.what();
        EXPECT_NE(message.find("'virt'"), std::string::npos) << message;
        EXPECT_NE(message.find("microvm, pc, q35, isapc, none"), std::string::npos) << message;
        EXPECT_EQ(message.find("pc-i440fx-7.2"), std::string::npos) << message;
    }
}

std::vector<std::string> command_for(const std::string& machine, Accelerator accelerator) {
    QemuLaunch launch;
    launch.qemu = "/usr/bin/qemu-system-x86_64";
    launch.machine = machine;
    launch.accelerator = accelerator;
    launch.memory_mib = 64;
    launch.kernel = "app.img";
    launch.kernel_command_line = "ingot.console=framed -- a%20b";
    return qemu_command(launch);
}

bool has_pair(const std::vector<std::string>& command, const std::string& option,
              const std::string& value) {
    for (size_t i = 0; i + 1 < command.size(); ++i)
        if (command[i] == option && command[i + 1] == value)
            return true;
    return false;
}

TEST(QemuCommand, MicrovmUsesVirtioMmio) {
    auto command = command_for("microvm", Accelerator::Tcg);
    EXPECT_EQ(command.front(), "/usr/bin/qemu-system-x86_64");
    EXPECT_TRUE(has_pair(command, "-machine", "microvm"));
    EXPECT_TRUE(has_pair(command, "-accel", "tcg"));
    EXPECT_TRUE(has_pair(command, "-cpu", "max"));
    EXPECT_TRUE(has_pair(command, "-m", "64M"));
    EXPECT_TRUE(has_pair(command, "-serial", "stdio"));
    EXPECT_TRUE(has_pair(command, "-device", "isa-debug-exit,iobase=0xf4,iosize=4"));
    EXPECT_TRUE(has_pair(command, "-global", "virtio-mmio.force-legacy=false"));
    EXPECT_TRUE(has_pair(command, "-device", "virtio-rng-device"));
    EXPECT_TRUE(has_pair(command, "-kernel", "app.img"));
    EXPECT_TRUE(has_pair(command, "-append", "ingot.console=framed -- a%20b"));
    for (const char* flag : {"-nodefaults", "-no-user-config", "-no-reboot"})
        EXPECT_NE(std::find(command.begin(), command.end(), flag), command.end()) << flag;
}

TEST(QemuCommand, PcMachinesUseVirtioPciAndKvmTheHostCpu) {
    for (const char* machine : {"pc", "q35"}) {
        auto command = command_for(machine, Accelerator::Kvm);
        EXPECT_TRUE(has_pair(command, "-device", "virtio-rng-pci")) << machine;
        EXPECT_TRUE(has_pair(command, "-accel", "kvm")) << machine;
        EXPECT_TRUE(has_pair(command, "-cpu", "host")) << machine;
        EXPECT_EQ(std::find(command.begin(), command.end(), "-global"), command.end()) << machine;
    }
}

std::vector<std::string> command_with_network(const std::string& machine) {
    QemuLaunch launch;
    launch.qemu = "/usr/bin/qemu-system-x86_64";
    launch.machine = machine;
    launch.memory_mib = 64;
    launch.kernel = "app.img";
    launch.kernel_command_line = "ingot.console=framed ingot.ip=10.0.2.15/24";
    launch.network = QemuLaunch::Network{7, {0x52, 0x54, 0x00, 0xab, 0x0c, 0xde}, {}};
    return qemu_command(launch);
}

size_t count_of(const std::vector<std::string>& command, const std::string& word) {
    return static_cast<size_t>(std::count(command.begin(), command.end(), word));
}

TEST(QemuCommand, NoConsoleSocketMeansCom1Alone) {
    auto command = command_for("microvm", Accelerator::Tcg);
    EXPECT_EQ(count_of(command, "-chardev"), 0u);
    for (const auto& word : command)
        EXPECT_EQ(word.find("virtio-serial"), std::string::npos) << word;
}

TEST(QemuCommand, TheConsoleSocketBacksAVirtserialportOnPort1) {
    for (const char* machine : {"microvm", "pc", "q35"}) {
        QemuLaunch launch;
        launch.qemu = "qemu-system-x86_64";
        launch.machine = machine;
        launch.memory_mib = 64;
        launch.kernel = "app.img";
        launch.kernel_command_line = "ingot.console=virtio";
        launch.console_fd = 9;
        auto command = qemu_command(launch);
        bool microvm = std::string(machine) == "microvm";
        EXPECT_TRUE(has_pair(command, "-chardev", "socket,id=console,fd=9")) << machine;
        EXPECT_TRUE(has_pair(command, "-device",
                             microvm ? "virtio-serial-device,max_ports=2"
                                     : "virtio-serial-pci,max_ports=2"))
            << machine;
        EXPECT_TRUE(
            has_pair(command, "-device", "virtserialport,chardev=console,nr=1,name=ingot.console"))
            << machine;
        // COM1 stays: early boot messages and the fallback.
        EXPECT_TRUE(has_pair(command, "-serial", "stdio")) << machine;
    }
}

TEST(QemuCommand, NoNetworkMeansNoNic) {
    auto command = command_for("q35", Accelerator::Tcg);
    EXPECT_EQ(count_of(command, "-netdev"), 0u);
    for (const auto& word : command)
        EXPECT_EQ(word.find("virtio-net"), std::string::npos) << word;
}

TEST(QemuCommand, MicrovmNetworkIsVirtioNetDeviceOnTheInheritedTap) {
    auto command = command_with_network("microvm");
    EXPECT_TRUE(has_pair(command, "-netdev", "tap,id=net0,fd=7,vhost=off"));
    EXPECT_TRUE(
        has_pair(command, "-device", "virtio-net-device,netdev=net0,mac=52:54:00:ab:0c:de"));
    EXPECT_EQ(count_of(command, "-netdev"), 1u);
    // Options precede -kernel/-append, which stay last.
    EXPECT_EQ(command[command.size() - 2], "-append");
}

TEST(QemuCommand, UserModeNetworkForwardsEveryPublishedPort) {
    std::vector<PortMapping> published = {parse_port_mapping("8080:80"),
                                          parse_port_mapping("127.0.0.1:5353:53/udp")};
    EXPECT_EQ(user_netdev(published),
              "user,id=net0,net=10.0.2.0/24,host=10.0.2.2,dhcpstart=10.0.2.15,dns=10.0.2.3,"
              "ipv6=off,restrict=off,hostfwd=tcp:0.0.0.0:8080-10.0.2.15:80,"
              "hostfwd=udp:127.0.0.1:5353-10.0.2.15:53");
    QemuLaunch launch;
    launch.qemu = "/usr/bin/qemu-system-x86_64";
    launch.machine = "microvm";
    launch.memory_mib = 64;
    launch.kernel = "app.img";
    launch.network = QemuLaunch::Network{-1, {0x52, 0x54, 0x00, 0xab, 0x0c, 0xde}, published};
    auto command = qemu_command(launch);
    EXPECT_TRUE(has_pair(command, "-netdev", user_netdev(published)));
    EXPECT_TRUE(
        has_pair(command, "-device", "virtio-net-device,netdev=net0,mac=52:54:00:ab:0c:de"));
}

TEST(QemuCommand, PcMachinesNetworkIsVirtioNetPciWithoutRom) {
    for (const char* machine : {"pc", "q35"}) {
        auto command = command_with_network(machine);
        EXPECT_TRUE(has_pair(command, "-netdev", "tap,id=net0,fd=7,vhost=off")) << machine;
        EXPECT_TRUE(has_pair(command, "-device",
                             "virtio-net-pci,netdev=net0,mac=52:54:00:ab:0c:de,romfile="))
            << machine;
        EXPECT_TRUE(has_pair(command, "-append", "ingot.console=framed ingot.ip=10.0.2.15/24"))
            << machine;
    }
}

// /dev/null opens read-write like a usable /dev/kvm; the PVM marker is any existing path.
TEST(Accelerator, KvmWhenItOpensAndIsNotPvm) {
    auto choice = choose_accelerator("", "/dev/null", "/nonexistent-pvm");
    EXPECT_EQ(choice.accelerator, Accelerator::Kvm);
    EXPECT_EQ(choice.reason, "kvm");
}

TEST(Accelerator, TcgUnderPvmOrWithoutKvm) {
    auto pvm = choose_accelerator("", "/dev/null", "/");
    EXPECT_EQ(pvm.accelerator, Accelerator::Tcg);
    EXPECT_NE(pvm.reason.find("PVM"), std::string::npos) << pvm.reason;
    auto missing = choose_accelerator("", "/nonexistent-kvm", "/nonexistent-pvm");
    EXPECT_EQ(missing.accelerator, Accelerator::Tcg);
    EXPECT_NE(missing.reason.find("/nonexistent-kvm"), std::string::npos) << missing.reason;
}

TEST(Accelerator, ForcedChoiceWinsButKvmMustOpen) {
    EXPECT_EQ(choose_accelerator("tcg", "/dev/null", "/nonexistent").accelerator, Accelerator::Tcg);
    EXPECT_EQ(choose_accelerator("kvm", "/dev/null", "/").accelerator, Accelerator::Kvm);
    EXPECT_THROW(choose_accelerator("kvm", "/nonexistent-kvm", "/nonexistent"), UserError);
}

} // namespace
} // namespace ingot
