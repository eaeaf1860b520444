# -p as an ordinary user through user-mode networking (tests/integration/user_network.sh): one
# test a case and platform. They run as root, which the script needs to become nobody in the
# kvm group; they exit 77 where that user cannot read the build or open /dev/kvm.
foreach(platform IN LISTS INGOT_TEST_PLATFORMS)
  foreach(case http udp to_host privileged_port)
    add_test(NAME user_network.${platform}.${case}
             COMMAND ${INGOT_TEST_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/user_network.sh ${case}
                     ${platform} $<TARGET_FILE:ingot> ${INGOT_TEST_PROGRAM_DIR} ${INGOT_EXAMPLE_DIR})
    set_tests_properties(user_network.${platform}.${case} PROPERTIES
      LABELS integration SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endforeach()
