#include "linux/thread_name.h"

#include "lib/string.h"
#include "linux/program_identity.h"

namespace kernel {

namespace {

// The file name of the program's path, as Linux's exec takes comm from the executable's.
const char* program_file_name() {
    const char* path = program_path();
    const char* name = path;
    for (const char* c = path; *c; ++c) {
        if (*c == '/' && c[1])
            name = c + 1;
    }
    return name;
}

} // namespace

const char* thread_name(Thread& thread) {
    // A thread no one named, and no creator passed a name to, is named after the program; the
    // first look gives it that name, as exec gave the first thread in Linux.
    if (!thread.name[0] && !thread.named)
        set_thread_name(thread, program_file_name());
    return thread.name;
}

void set_thread_name(Thread& thread, const char* name) {
    size_t length = 0;
    while (length < thread_name_size - 1 && name[length])
        ++length;
    memcpy(thread.name, name, length);
    thread.name[length] = 0;
    thread.named = true;
}

} // namespace kernel
