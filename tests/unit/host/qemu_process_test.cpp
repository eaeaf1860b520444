// QemuProcess's child setup, with a shell standing in for QEMU.
#include "qemu/qemu_process.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

namespace ingot {
namespace {

std::string read_all(int fd) {
    std::string text;
    char buffer[256];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<size_t>(n));
    return text;
}

TEST(QemuProcess, InheritsOnlyTheDescriptorsAskedFor) {
    int kept[2], closed[2];
    ASSERT_EQ(::pipe2(kept, O_CLOEXEC), 0);
    ASSERT_EQ(::pipe2(closed, O_CLOEXEC), 0);
    std::string script = "for fd in " + std::to_string(kept[0]) + " " + std::to_string(closed[0]) +
                         "; do if [ -e /proc/self/fd/$fd ]; then echo open; else echo shut; fi; "
                         "done";
    {
        QemuProcess child({"/bin/sh", "-c", script}, {kept[0]});
        EXPECT_EQ(read_all(child.from_guest()), "open\nshut\n");
        child.wait();
    }
    EXPECT_EQ(::fcntl(kept[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC) << "unchanged in ingot";
    for (int fd : {kept[0], kept[1], closed[0], closed[1]})
        ::close(fd);
}

} // namespace
} // namespace ingot
