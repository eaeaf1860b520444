// A write through a null pointer, in main itself.
#include <stdio.h>

int* volatile target; // volatile: the compiler cannot see that it is null

int main(void) {
    printf("about to dereference null\n");
    fflush(stdout);
    *target = 42;
    printf("still alive\n");
    return 0;
}
