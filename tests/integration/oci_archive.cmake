# OCI image archives: tests/integration/oci_archive.sh, one test a case. The script checks what
# it needs itself and exits 77 with the reason where it cannot run (no skopeo, docker-registry or
# podman; no /dev/kvm nor QEMU to boot the archive's image).
foreach(case build run_archive skopeo_inspect registry_round_trip podman_load bad_archives)
  add_test(NAME oci_archive.${case}
           COMMAND ${INGOT_TEST_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/oci_archive.sh ${case}
                   $<TARGET_FILE:ingot> ${INGOT_TEST_PROGRAM_DIR})
  set_tests_properties(oci_archive.${case} PROPERTIES
    LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
