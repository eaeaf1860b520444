# On-demand start (ingot run --on-demand): tests/integration/on_demand.sh, one test a case. The
# script exits 77 where a case cannot run (not root, no /dev/kvm, no QEMU, no curl).
foreach(case refusals cycle_hvt cycle_qemu detached)
  add_test(NAME on_demand.${case}
           COMMAND ${INGOT_TEST_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/on_demand.sh ${case}
                   $<TARGET_FILE:ingot> ${INGOT_EXAMPLE_DIR})
  set_tests_properties(on_demand.${case} PROPERTIES
    LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
