# Detached instances: tests/integration/instances.sh, one test a case, each with a state
# directory of its own. The script checks what it runs itself and exits 77 where it cannot run
# (no /dev/kvm; qemu_*: no qemu-system-x86_64; publish: not root). The qemu_ cases run the
# case of that name on QEMU, under TCG where there is no KVM: the short ones only.
foreach(case lifecycle duplicate_name supervisor_lost kill_and_follow restart_on_failure publish
        kill_stops_restarts plan_refused qemu_lifecycle qemu_duplicate_name qemu_supervisor_lost
        qemu_kill_and_follow qemu_restart_on_failure qemu_publish)
  add_test(NAME instances.${case}
           COMMAND ${INGOT_TEST_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/instances.sh ${case}
                   $<TARGET_FILE:ingot> ${INGOT_TEST_PROGRAM_DIR} ${INGOT_EXAMPLE_DIR})
  set_tests_properties(instances.${case} PROPERTIES
    LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 90)
endforeach()
