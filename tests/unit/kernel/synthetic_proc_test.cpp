#include "kernel/synthetic_test_support.h"

#include "fs/synthetic/descriptor_directory.h"
#include "linux/machine_identity.h"

#include <cstdio>
#include <sstream>

namespace {

using namespace synthetic_test;
using kernel::RefPtr;
using kernel::StringView;
using kernel::vfs::Attributes;
using kernel::vfs::Inode;
using kernel::vfs::NodeType;

class ProcFileSystem : public testing::Test {
protected:
    FakeFacts facts;
    RecordingOpener opener;
    RefPtr<SyntheticFileSystem> proc = make_proc_file_system(facts, opener);

    std::string text(const std::string& path) { return generated(*proc, path); }
    Attributes attributes_of(const std::string& path) {
        Attributes attributes;
        auto inode = walk(*proc, path);
        EXPECT_TRUE(inode) << path;
        if (inode) {
            EXPECT_EQ(kernel_test::outcome(inode->attributes(attributes)), "OK");
        }
        return attributes;
    }
};

TEST_F(ProcFileSystem, RootListsTheProcessAndTheMachinesFiles) {
    ASSERT_TRUE(proc);
    EXPECT_STREQ(proc->type_name(), "proc");
    Listing listing;
    uint64_t cookie = 0;
    ASSERT_OK(proc->root()->read_directory(cookie, listing));
    for (const char* name : {".", "..", "1", "self", "cpuinfo", "meminfo", "stat", "uptime",
                             "loadavg", "version", "filesystems", "mounts", "net", "sys"})
        EXPECT_NE(std::find(listing.names.begin(), listing.names.end(), name), listing.names.end())
            << name;
    Listing again;
    ASSERT_OK(proc->root()->read_directory(cookie, again));
    EXPECT_TRUE(again.names.empty()) << "the cookie was left past the last entry";
}

TEST_F(ProcFileSystem, ReadDirectoryResumesWhereTheVisitorHadNoRoom) {
    Listing listing(2);
    uint64_t cookie = 0;
    std::vector<std::string> all;
    for (int calls = 0; calls < 20; ++calls) {
        listing.names.clear();
        listing.refill();
        ASSERT_OK(walk(*proc, "1")->read_directory(cookie, listing));
        if (listing.names.empty())
            break;
        all.insert(all.end(), listing.names.begin(), listing.names.end());
    }
    std::vector<std::string> expected{".",      "..",     "exe",       "fd",      "maps",
                                      "status", "stat",   "statm",     "cmdline", "environ",
                                      "comm",   "limits", "mountinfo", "mounts",  "cgroup"};
    EXPECT_EQ(all, expected);
}

TEST_F(ProcFileSystem, SelfLinksToThePid) {
    auto self = walk(*proc, "self");
    ASSERT_TRUE(self);
    EXPECT_EQ(self->type(), NodeType::Symlink);
    EXPECT_EQ(link_target(*self), "1");
    EXPECT_EQ(link_target(*walk(*proc, "1/exe")), "/usr/bin/app");
    EXPECT_EQ(link_target(*walk(*proc, "mounts")), "self/mounts");
    EXPECT_EQ(attributes_of("self").mode, 0120777u);
}

TEST_F(ProcFileSystem, LookupMissesAndNonDirectories) {
    EXPECT_ERRNO(proc->root()->lookup("2"), ENOENT);
    EXPECT_ERRNO(proc->root()->lookup("nonexistent"), ENOENT);
    EXPECT_ERRNO(walk(*proc, "cpuinfo")->lookup("x"), ENOTDIR);
    uint64_t cookie = 0;
    Listing listing;
    EXPECT_ERRNO(walk(*proc, "cpuinfo")->read_directory(cookie, listing), ENOTDIR);
}

TEST_F(ProcFileSystem, ChangesGetProcfsAnswers) {
    auto root = proc->root();
    EXPECT_ERRNO(root->create("new", NodeType::Regular, 0644, 0), ENOENT);
    EXPECT_ERRNO(root->create("dir", NodeType::Directory, 0755, 0), ENOENT);
    EXPECT_ERRNO(root->create_symlink("link", "x"), ENOENT);
    EXPECT_ERRNO(root->remove("cpuinfo", false), EPERM);
    EXPECT_ERRNO(root->remove("missing", false), ENOENT);
    EXPECT_ERRNO(root->rename("missing", *root, "x", 0), ENOENT);
    EXPECT_ERRNO(walk(*proc, "cpuinfo")->create("x", NodeType::Regular, 0644, 0), ENOTDIR);
    EXPECT_FALSE(proc->is_read_only());
}

TEST_F(ProcFileSystem, OpeningSnapshotsTheTextWithProcfsWriteErrors) {
    auto status = walk(*proc, "1/status");
    ASSERT_OK(status->open_special(0));
    EXPECT_EQ(opener.last_text.rfind("Name:\tapp\n", 0), 0u) << opener.last_text;
    EXPECT_EQ(opener.last_write_error, kernel::EINVAL);
    ASSERT_OK(walk(*proc, "cpuinfo")->open_special(1));
    EXPECT_EQ(opener.last_write_error, kernel::EIO);
    EXPECT_ERRNO(walk(*proc, "sys/kernel/hostname")->open_special(1), EROFS);
    ASSERT_OK(walk(*proc, "sys/kernel/hostname")->open_special(0));
}

TEST_F(ProcFileSystem, GeneratedFilesHaveSizeZeroAsLinuxs) {
    Attributes attributes = attributes_of("1/maps");
    EXPECT_EQ(attributes.size, 0u);
    EXPECT_EQ(attributes.mode, 0100444u);
    EXPECT_EQ(attributes_of("1/environ").mode, 0100400u);
    EXPECT_EQ(attributes_of("1").mode, 040555u);
    EXPECT_EQ(attributes_of("sys").link_count, 2u + 4u);
    EXPECT_NE(attributes_of("1/maps").inode, attributes_of("1/stat").inode);
    kernel::vfs::FileSystemStatistics statistics;
    ASSERT_OK(proc->statistics(statistics));
    EXPECT_EQ(statistics.type, 0x9fa0u);
}

TEST_F(ProcFileSystem, DescriptorsAreLinksToWhatTheFilesDescribe) {
    auto fd = walk(*proc, "1/fd");
    ASSERT_TRUE(fd);
    Listing listing;
    uint64_t cookie = 0;
    ASSERT_OK(fd->read_directory(cookie, listing));
    EXPECT_EQ(listing.names, (std::vector<std::string>{".", "..", "0", "1", "2", "5"}));
    EXPECT_EQ(link_target(*walk(*proc, "1/fd/5")), "pipe:[7]");
    EXPECT_EQ(attributes_of("1/fd/0").mode, 0120500u);
    EXPECT_EQ(attributes_of("1/fd/1").mode, 0120300u);
    EXPECT_EQ(attributes_of("1/fd/5").inode, attributes_of("1/fd/5").inode);
    for (const char* missing : {"3", "01", "-1", "abc", "", "99999999999"})
        EXPECT_ERRNO(fd->lookup(missing), ENOENT) << missing;
    // A descriptor closed after lookup: the link now says so.
    auto link = walk(*proc, "1/fd/5");
    facts.descriptors.erase(5);
    EXPECT_EQ(link_target(*link), "EBADF");
    // A paged listing resumes after the last descriptor it took, even if others closed.
    Listing paged(3);
    cookie = 0;
    ASSERT_OK(fd->read_directory(cookie, paged));
    EXPECT_EQ(paged.names, (std::vector<std::string>{".", "..", "0"}));
    facts.descriptors.erase(1);
    paged.names.clear();
    paged.refill();
    ASSERT_OK(fd->read_directory(cookie, paged));
    EXPECT_EQ(paged.names, (std::vector<std::string>{"2"}));
}

TEST_F(ProcFileSystem, OpenFilesDescribeThemselvesByPath) {
    char buffer[64];
    auto maps = walk(*proc, "1/maps");
    size_t length = static_cast<Node&>(*maps).path(buffer, sizeof buffer);
    EXPECT_EQ(std::string(buffer, length), "/proc/1/maps");
    length = static_cast<Node&>(*proc->root()).path(buffer, sizeof buffer);
    EXPECT_EQ(std::string(buffer, length), "/proc");
    length = static_cast<Node&>(*maps).path(buffer, 4);
    EXPECT_EQ(std::string(buffer, length), "/pro");
}

TEST_F(ProcFileSystem, MapsLikeLinux) {
    auto lines = lines_of(text("1/maps"));
    ASSERT_EQ(lines.size(), 5u);
    auto named = [](std::string header, const char* name) {
        return header + std::string(73 - header.size(), ' ') + name;
    };
    EXPECT_EQ(lines[0], named("00400000-00401000 r--p 00000000 00:00 0", "/usr/bin/app"));
    EXPECT_EQ(lines[1].substr(0, 22), "00401000-00405000 r-xp");
    EXPECT_EQ(lines[2].substr(lines[2].size() - 7), " [heap]");
    EXPECT_EQ(lines[3], "7f0000000000-7f0000100000 ---p 00000000 00:00 0 ");
    EXPECT_EQ(lines[4], named("7ffffff00000-7ffffffff000 rw-p 00000000 00:00 0", "[stack]"));
    EXPECT_EQ(lines[0].find("/usr/bin/app"), 73u);
}

TEST_F(ProcFileSystem, StatHasFiftyTwoFieldsAndTheRss) {
    std::string stat = text("1/stat");
    EXPECT_EQ(stat.rfind("1 (app) R 0 1 1 0 -1 ", 0), 0u) << stat;
    ASSERT_EQ(stat.back(), '\n');
    std::vector<std::string> fields;
    size_t close = stat.rfind(')');
    std::string rest = stat.substr(close + 2);
    for (size_t start = 0, end; start < rest.size(); start = end + 1) {
        end = rest.find_first_of(" \n", start);
        fields.push_back(rest.substr(start, end - start));
    }
    ASSERT_EQ(fields.size() + 2, 52u) << stat;
    // Fields 14 utime and 15 stime (ticks), 20 threads, 23 vsize, 24 rss (pages): proc(5)
    // numbering.
    EXPECT_EQ(fields[14 - 3], "1000");
    EXPECT_EQ(fields[15 - 3], "200");
    EXPECT_EQ(fields[20 - 3], "2");
    uint64_t all = 0x1000 + 0x4000 + 0x2000 + 0x100000 + 0xff000;
    EXPECT_EQ(fields[23 - 3], std::to_string(all));
    EXPECT_EQ(fields[24 - 3], std::to_string((all - 0x100000) / 4096));
    EXPECT_EQ(text("1/statm"), std::to_string(all / 4096) + " " +
                                   std::to_string((all - 0x100000) / 4096) + " 0 4 0 " +
                                   std::to_string((0x2000 + 0xff000) / 4096) + " 0\n");
}

TEST_F(ProcFileSystem, StatusFields) {
    std::string status = text("1/status");
    for (const char* line : {"Name:\tapp\n", "Umask:\t0022\n", "State:\tR (running)\n", "Pid:\t1\n",
                             "PPid:\t0\n", "Uid:\t0\t0\t0\t0\n", "Threads:\t2\n",
                             "VmStk:\t    1020 kB\n", "Cpus_allowed_list:\t0\n"})
        EXPECT_NE(status.find(line), std::string::npos) << line << "\n" << status;
}

TEST_F(ProcFileSystem, CommandLineEnvironmentAndComm) {
    EXPECT_EQ(text("1/cmdline"), std::string("/usr/bin/app\0--flag\0x y\0", 24));
    EXPECT_EQ(text("1/environ"), std::string("PATH=/bin\0HOME=/\0", 17));
    EXPECT_EQ(text("1/comm"), "app\n");
    facts.argument_values = {"./a-very-long-program-name"};
    EXPECT_EQ(text("1/comm"), "a-very-long-pro\n");
    facts.argument_values.clear();
    EXPECT_EQ(text("1/comm"), "app\n");
    EXPECT_EQ(text("1/cmdline"), "");
    EXPECT_EQ(text("1/cgroup"), "0::/\n");
}

TEST_F(ProcFileSystem, Limits) {
    auto lines = lines_of(text("1/limits"));
    ASSERT_EQ(lines.size(), 17u);
    EXPECT_EQ(lines[0], "Limit                     Soft Limit           Hard Limit           Units"
                        "     ");
    EXPECT_EQ(lines[4], "Max stack size            1048576              unlimited            bytes"
                        "     ");
    EXPECT_EQ(lines[8], "Max open files            1024                 4096                 files"
                        "     ");
    EXPECT_EQ(lines[14], "Max nice priority         unlimited            unlimited            ");
}

TEST_F(ProcFileSystem, Mounts) {
    EXPECT_EQ(text("1/mounts"), "overlay / overlay rw,relatime 0 0\n"
                                "proc /proc proc rw,relatime 0 0\n"
                                "sysfs /sys sysfs ro,relatime 0 0\n");
    auto lines = lines_of(text("1/mountinfo"));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "21 20 0:1 / / rw,relatime - overlay overlay rw");
    EXPECT_EQ(lines[2], "23 21 0:3 / /sys ro,relatime - sysfs sysfs ro");
}

TEST_F(ProcFileSystem, CpuinfoAsLinuxPrintsIt) {
    std::string cpuinfo = text("cpuinfo");
    EXPECT_EQ(cpuinfo.rfind("processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n", 0), 0u);
    for (const char* line :
         {"model name\t: Test CPU @ 3.00GHz\n", "cpu MHz\t\t: 2999.998\n",
          "cache size\t: 36608 KB\n",
          "flags\t\t: fpu tsc sse sse2 lm "
          "hypervisor\n",
          "bogomips\t: 5999.99\n", "address sizes\t: 46 bits physical, 48 bits virtual\n"})
        EXPECT_NE(cpuinfo.find(line), std::string::npos) << line << "\n" << cpuinfo;
    EXPECT_EQ(cpuinfo.substr(cpuinfo.size() - 2), "\n\n");
}

TEST_F(ProcFileSystem, MachineFiles) {
    std::string meminfo = text("meminfo");
    EXPECT_EQ(meminfo.rfind("MemTotal:          65536 kB\nMemFree:           49152 kB\n", 0), 0u)
        << meminfo;
    EXPECT_NE(meminfo.find("SwapTotal:             0 kB\n"), std::string::npos);
    EXPECT_NE(meminfo.find("HugePages_Total:       0\n"), std::string::npos);
    EXPECT_EQ(text("uptime"), "12.34 0.00\n");
    EXPECT_EQ(text("loadavg"), "0.00 0.00 0.00 1/2 1\n");
    std::string stat = text("stat");
    // user, nice, system, idle: the uptime less the CPU time used.
    EXPECT_EQ(stat.rfind("cpu  1000 0 200 34 0 0 0 0 0 0\ncpu0 1000 0 200 34 ", 0), 0u) << stat;
    EXPECT_NE(stat.find("btime 1700000000\n"), std::string::npos);
    EXPECT_EQ(text("version"), "Linux version 6.1.0-ingot (ingot@ingot) (Ingot) #1 Ingot "
                               "unikernel\n");
    EXPECT_NE(text("filesystems").find("nodev\tproc\n"), std::string::npos);
}

// Each group is a line of names and a line of as many values under the same "Group:" label,
// which is all nstat and netstat -s rely on; returns the groups' labels in order.
std::vector<std::string> counter_groups(const std::string& text) {
    std::istringstream lines(text);
    std::vector<std::string> labels;
    std::string names, values;
    while (std::getline(lines, names)) {
        EXPECT_TRUE(std::getline(lines, values)) << "names without values: " << names;
        std::istringstream name_words(names), value_words(values);
        std::string label, value_label, word;
        name_words >> label;
        value_words >> value_label;
        EXPECT_EQ(label, value_label);
        EXPECT_EQ(label.back(), ':');
        size_t name_count = 0, value_count = 0;
        while (name_words >> word)
            ++name_count;
        while (value_words >> word) {
            EXPECT_NO_THROW(std::stoll(word)) << word;
            ++value_count;
        }
        EXPECT_GT(name_count, 0u) << label;
        EXPECT_EQ(name_count, value_count) << label;
        labels.push_back(label);
    }
    return labels;
}

TEST_F(ProcFileSystem, NetworkCountersInLinuxsLayout) {
    facts.network.tcp.segments_received = 1000;
    facts.network.tcp.segments_sent = 900;
    facts.network.tcp.retransmitted = 12;
    facts.network.tcp.dropped_bad_checksum = 2;
    facts.network.tcp.dropped_malformed = 3;
    facts.network.tcp.resets_sent = 4;
    facts.network.tcp.sack_recoveries = 5;
    facts.network.tcp.tail_loss_probes = 6;
    facts.network.tcp.rack_losses = 7;
    facts.network.stack.udp_no_port = 8;
    std::string snmp = text("net/snmp");
    EXPECT_EQ(counter_groups(snmp), (std::vector<std::string>{"Ip:", "Icmp:", "Tcp:", "Udp:"}));
    EXPECT_NE(snmp.find("Ip: Forwarding DefaultTTL\nIp: 2 64\n"), std::string::npos) << snmp;
    EXPECT_NE(snmp.find("Tcp: RtoAlgorithm RtoMin RtoMax MaxConn InSegs OutSegs RetransSegs "
                        "InErrs OutRsts InCsumErrors\nTcp: 1 200 60000 -1 1000 900 12 5 4 2\n"),
              std::string::npos)
        << snmp;
    EXPECT_NE(snmp.find("Udp: NoPorts RcvbufErrors\nUdp: 8 0\n"), std::string::npos) << snmp;
    std::string netstat = text("net/netstat");
    EXPECT_EQ(counter_groups(netstat), (std::vector<std::string>{"TcpExt:", "IngotExt:"}));
    auto value_of = [&](const std::string& group, const std::string& name) {
        size_t names = netstat.find(group + ": ");
        size_t values = netstat.find(group + ": ", netstat.find('\n', names));
        std::istringstream name_words(netstat.substr(names, netstat.find('\n', names) - names));
        std::istringstream value_words(netstat.substr(values));
        std::string word, value;
        while (name_words >> word && value_words >> value)
            if (word == name)
                return value;
        return std::string("missing");
    };
    EXPECT_EQ(value_of("TcpExt", "TCPSackRecovery"), "5");
    EXPECT_EQ(value_of("TcpExt", "TCPLossProbes"), "6");
    EXPECT_EQ(value_of("TcpExt", "TCPTimeouts"), "0");
    EXPECT_EQ(value_of("IngotExt", "TcpRackLosses"), "7");
}

// /proc/net/dev, route and if_inet6, line for line as Linux's formats print the same facts.
TEST_F(ProcFileSystem, InterfacesInLinuxsLayouts) {
    using namespace kernel::net::interfaces;
    facts.links.add_link({1, "lo", true, {}, 65536, {4, 336, 4, 336, 0}});
    facts.links.add_link(
        {2, "eth0", false, {{0x52, 0x54, 0, 0x12, 0x34, 0x56}}, 1500, {12, 3456, 9, 1234, 1}});
    facts.links.add_address({1, false, {127, 0, 0, 1}, 8, false});
    Address loopback6{1, true, {}, 128, false};
    loopback6.bytes[15] = 1;
    facts.links.add_address(loopback6);
    facts.links.add_address({2, false, {10, 0, 2, 15}, 24, false});
    Address link_local{2, true, {0xfe, 0x80}, 64, true};
    link_local.bytes[8] = 0x50;
    link_local.bytes[15] = 0x56;
    facts.links.add_address(link_local);
    facts.links.add_route({2, false, {10, 0, 2, 0}, 24, false, {}, {10, 0, 2, 15}});
    facts.links.add_route({2, false, {}, 0, true, {10, 0, 2, 2}, {}});
    facts.links.add_route({2, true, {0xfe, 0x80}, 64, false, {}, {}});

    const char* device_line = "%6s: %7llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu %8llu %7llu "
                              "%4llu %4llu %4llu %5llu %7llu %10llu\n";
    char lo[256], eth0[256];
    std::snprintf(lo, sizeof lo, device_line, "lo", 336ull, 4ull, 0ull, 0ull, 0ull, 0ull, 0ull,
                  0ull, 336ull, 4ull, 0ull, 0ull, 0ull, 0ull, 0ull, 0ull);
    std::snprintf(eth0, sizeof eth0, device_line, "eth0", 3456ull, 12ull, 0ull, 0ull, 0ull, 0ull,
                  0ull, 0ull, 1234ull, 9ull, 0ull, 1ull, 0ull, 0ull, 0ull, 0ull);
    EXPECT_EQ(text("net/dev"),
              std::string("Inter-|   Receive                                                |  "
                          "Transmit\n face |bytes    packets errs drop fifo frame compressed "
                          "multicast|bytes    packets errs drop fifo colls carrier compressed\n") +
                  lo + eth0);

    auto padded = [](std::string line) {
        line.resize(127, ' ');
        return line + "\n";
    };
    EXPECT_EQ(text("net/route"),
              padded("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
                     "Window\tIRTT") +
                  padded("eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0") +
                  padded("eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"));

    EXPECT_EQ(text("net/if_inet6"), "00000000000000000000000000000001 01 80 10 80       lo\n"
                                    "fe800000000000005000000000000056 02 40 20 c0     eth0\n");
}

// /proc/net/tcp, tcp6, udp and udp6 line for line as Linux's format strings print the same
// sockets (get_tcp4_sock, get_timewait4_sock, tcp6's get_tcp6_sock, udp4_format_sock).
TEST_F(ProcFileSystem, SocketsInLinuxsLayouts) {
    using kernel::net::IpEndpoint;
    using kernel::net::Ipv4Address;
    using kernel::net::SocketListing;
    IpEndpoint loopback{Ipv4Address::from_octets(127, 0, 0, 1), 7000};
    IpEndpoint client{Ipv4Address::from_octets(127, 0, 0, 1), 35598};
    SocketListing listener;
    listener.local = loopback;
    listener.state = 0x0a;
    listener.receive_queue = 2;
    listener.inode = 4242;
    listener.rto_us = 1'000'000;
    listener.congestion_window = 10;
    listener.slow_start_threshold = 0;
    SocketListing connection;
    connection.local = loopback;
    connection.remote = client;
    connection.state = 1;
    connection.send_queue = 5;
    connection.receive_queue = 10;
    connection.retransmits = 1;
    connection.inode = 4243;
    connection.rto_us = 204'000;
    connection.ato_us = 40'000;
    connection.congestion_window = 11;
    SocketListing waiting = connection;
    waiting.state = 6;
    SocketListing listener6;
    listener6.ipv6 = true;
    listener6.local.address.v6.bytes[15] = 1;
    listener6.local.port = 7001;
    listener6.state = 0x0a;
    listener6.inode = 4244;
    listener6.congestion_window = 10;
    listener6.slow_start_threshold = 0;
    facts.tcp_sockets = {listener, connection, waiting, listener6};
    SocketListing datagram;
    datagram.local = loopback;
    datagram.receive_queue = 300;
    datagram.inode = 4245;
    facts.udp_sockets = {datagram};

    auto padded = [](const std::string& line, size_t width) {
        std::string text = line;
        if (text.size() < width)
            text.resize(width, ' ');
        return text + "\n";
    };
    auto formatted = [](const char* format, auto... values) {
        char line[512];
        std::snprintf(line, sizeof line, format, values...);
        return std::string(line);
    };
    const char* tcp_line = "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d "
                           "%016x %lu %lu %u %u %d";
    const char* time_wait_line =
        "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %016x";
    EXPECT_EQ(text("net/tcp"),
              padded("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                     "retrnsmt   uid  timeout inode",
                     149) +
                  padded(formatted(tcp_line, 0, 0x0100007Fu, 7000u, 0u, 0u, 0x0Au, 0u, 2u, 0u, 0ul,
                                   0u, 0u, 0, 4242ul, 1, 0u, 100ul, 0ul, 0u, 10u, 0),
                         149) +
                  padded(formatted(tcp_line, 1, 0x0100007Fu, 7000u, 0x0100007Fu, 35598u, 1u, 5u,
                                   10u, 0u, 0ul, 1u, 0u, 0, 4243ul, 1, 0u, 20ul, 4ul, 0u, 11u, -1),
                         149) +
                  padded(formatted(time_wait_line, 2, 0x0100007Fu, 7000u, 0x0100007Fu, 35598u, 6u,
                                   0u, 0u, 3u, 0ul, 0u, 0, 0, 0, 1, 0u),
                         149));
    EXPECT_EQ(text("net/tcp6"),
              "  sl  local_address                         remote_address                        "
              "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
                  formatted("%4d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X %02X %08X:%08X "
                            "%02X:%08lX %08X %5u %8d %lu %d %016x %lu %lu %u %u %d\n",
                            0, 0u, 0u, 0u, 0x01000000u, 7001u, 0u, 0u, 0u, 0u, 0u, 0x0Au, 0u, 0u,
                            0u, 0ul, 0u, 0u, 0, 4244ul, 1, 0u, 0ul, 0ul, 0u, 10u, 0));
    EXPECT_EQ(text("net/udp"),
              padded("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                     "retrnsmt   uid  timeout inode ref pointer drops",
                     127) +
                  padded(formatted("%5d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u "
                                   "%8d %lu %d %016x %u",
                                   0, 0x0100007Fu, 7000u, 0u, 0u, 7u, 0u, 300u, 0u, 0ul, 0u, 0u, 0,
                                   4245ul, 2, 0u, 0u),
                         127));
    EXPECT_EQ(text("net/udp6"), "  sl  local_address                         remote_address      "
                                "                  st tx_queue rx_queue tr tm->when retrnsmt   "
                                "uid  timeout inode ref pointer drops\n");
}

// /proc/net/arp as arp_seq_show prints it: a resolved neighbour with ATF_COM, one still asked
// about with none and no MAC address.
TEST_F(ProcFileSystem, ArpCacheInLinuxsLayout) {
    facts.links.add_link({2, "eth0", false, {}, 1500, {}});
    facts.neighbours = {{2, {10, 0, 2, 2}, {{0x52, 0x55, 0x0a, 0, 2, 2}}, true},
                        {2, {10, 0, 2, 77}, {}, false}};
    auto line = [](const char* address, unsigned flags, const char* mac) {
        char text[128];
        std::snprintf(text, sizeof text, "%-16s 0x%-10x0x%-10x%-17s     *        %s\n", address, 1u,
                      flags, mac, "eth0");
        return std::string(text);
    };
    EXPECT_EQ(text("net/arp"),
              "IP address       HW type     Flags       HW address            Mask     Device\n" +
                  line("10.0.2.2", 2, "52:55:0a:00:02:02") +
                  line("10.0.2.77", 0, "00:00:00:00:00:00"));
}

TEST_F(ProcFileSystem, NoInterfacesWithoutTheNetworkComponent) {
    EXPECT_EQ(text("net/dev").find("lo:"), std::string::npos);
    EXPECT_EQ(text("net/if_inet6"), "");
    EXPECT_EQ(text("net/arp"),
              "IP address       HW type     Flags       HW address            Mask     Device\n");
    EXPECT_EQ(text("net/route").size(), 128u);
}

TEST_F(ProcFileSystem, SysValues) {
    EXPECT_EQ(text("sys/kernel/hostname"), std::string(kernel::identity::hostname()) + "\n");
    EXPECT_EQ(text("sys/kernel/osrelease"), "6.1.0-ingot\n");
    EXPECT_EQ(text("sys/kernel/ostype"), "Linux\n");
    EXPECT_EQ(text("sys/kernel/pid_max"), "32768\n");
    EXPECT_EQ(text("sys/vm/overcommit_memory"), "2\n");
    EXPECT_EQ(text("sys/net/core/somaxconn"), "4096\n");
    EXPECT_EQ(text("sys/fs/file-max"), "4096\n");
}

TEST(DescriptorNames, AsLinuxSpellsThem) {
    EXPECT_EQ(parse_descriptor_name("0"), 0);
    EXPECT_EQ(parse_descriptor_name("1023"), 1023);
    EXPECT_EQ(parse_descriptor_name("00"), -1);
    EXPECT_EQ(parse_descriptor_name("+1"), -1);
    EXPECT_EQ(parse_descriptor_name("1x"), -1);
    EXPECT_EQ(parse_descriptor_name(""), -1);
    EXPECT_EQ(parse_descriptor_name("1234567890"), -1);
}

} // namespace
