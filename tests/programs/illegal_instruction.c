// __builtin_trap(): ud2, an illegal instruction.
#include <stdio.h>

int main(void) {
    printf("about to trap\n");
    fflush(stdout);
    __builtin_trap();
}
