// Extended attributes on a file system without them (/proc's, natively and in Ingot):
// listxattr lists nothing, get/set/remove are EOPNOTSUPP; the path, descriptor, name and flag
// errors come in Linux's order. The expected output is a native run's.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#define FILE_WITHOUT "/proc/self/status"

static void report(const char* what, long result) {
    if (result == -1)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
}

int main(void) {
    char list[256];
    char value[64];
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    int fd = open(FILE_WITHOUT, O_RDONLY);

    report("listxattr", listxattr(FILE_WITHOUT, list, sizeof list));
    report("listxattr, no buffer", listxattr(FILE_WITHOUT, NULL, 0));
    report("llistxattr", llistxattr(FILE_WITHOUT, list, sizeof list));
    report("flistxattr", flistxattr(fd, list, sizeof list));
    report("listxattr missing", listxattr("/no/such/file", list, sizeof list));
    report("flistxattr bad descriptor", flistxattr(99, list, sizeof list));

    report("getxattr", getxattr(FILE_WITHOUT, "user.x", value, sizeof value));
    report("lgetxattr", lgetxattr(FILE_WITHOUT, "user.x", value, sizeof value));
    report("fgetxattr", fgetxattr(fd, "user.x", value, sizeof value));
    report("getxattr missing", getxattr("/no/such/file", "user.x", value, sizeof value));
    report("getxattr empty name", getxattr(FILE_WITHOUT, "", value, sizeof value));
    report("getxattr long name", getxattr(FILE_WITHOUT, long_name, value, sizeof value));
    report("getxattr bad name", getxattr(FILE_WITHOUT, (const char*)16, value, sizeof value));
    report("fgetxattr bad descriptor", fgetxattr(99, "user.x", value, sizeof value));

    report("setxattr", setxattr(FILE_WITHOUT, "user.x", "1", 1, 0));
    report("lsetxattr", lsetxattr(FILE_WITHOUT, "user.x", "1", 1, XATTR_CREATE));
    report("fsetxattr", fsetxattr(fd, "user.x", "1", 1, XATTR_REPLACE));
    report("setxattr bad flags", setxattr(FILE_WITHOUT, "user.x", "1", 1, 4));
    report("setxattr missing", setxattr("/no/such/file", "user.x", "1", 1, 0));
    report("setxattr empty name", setxattr(FILE_WITHOUT, "", "1", 1, 0));

    report("removexattr", removexattr(FILE_WITHOUT, "user.x"));
    report("lremovexattr", lremovexattr(FILE_WITHOUT, "user.x"));
    report("fremovexattr", fremovexattr(fd, "user.x"));
    report("removexattr missing", removexattr("/no/such/file", "user.x"));
    report("fremovexattr bad descriptor", fremovexattr(99, "user.x"));
    close(fd);
    return 0;
}
