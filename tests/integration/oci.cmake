# ingot-oci: tests/integration/oci.sh, one test a case. The script checks what it needs itself
# (root, KVM or QEMU, podman, containerd) and exits 77 with the reason where it cannot run.
foreach(case runtime_lifecycle bad_bundles podman_publish containerd_run)
  add_test(NAME oci.${case}
           COMMAND ${INGOT_TEST_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/oci.sh ${case}
                   $<TARGET_FILE:ingot-oci> ${INGOT_TEST_PROGRAM_DIR} ${INGOT_EXAMPLE_DIR})
  set_tests_properties(oci.${case} PROPERTIES
    LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
