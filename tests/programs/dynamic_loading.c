// A dynamically linked program (glibc's or musl's loader starts it): it checks that it was
// started through an interpreter (AT_BASE), then loads the library named by its first argument
// with dlopen and calls into it.
#include <dlfcn.h>
#include <stdio.h>
#include <sys/auxv.h>

int main(int argc, char** argv) {
    printf("hello from a dynamically linked program\n");
    if (getauxval(AT_BASE) == 0) {
        printf("AT_BASE is 0: no interpreter started this program\n");
        return 1;
    }
    if (argc < 2)
        return 0;
    void* library = dlopen(argv[1], RTLD_NOW);
    if (!library) {
        printf("dlopen %s: %s\n", argv[1], dlerror());
        return 1;
    }
    int (*answer)(int) = (int (*)(int))dlsym(library, "plugin_answer");
    if (!answer) {
        printf("dlsym plugin_answer: %s\n", dlerror());
        return 1;
    }
    printf("the plugin answers %d\n", answer(40));
    return dlclose(library) == 0 ? 0 : 1;
}
