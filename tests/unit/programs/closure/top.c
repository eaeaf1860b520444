// Finds the middle library through its own DT_RUNPATH, ${ORIGIN}/private.
int closure_middle(void);
int closure_top(void) {
    return closure_middle() + 1;
}
