# --net-interface (interface.sh): the guest takes over eth0 of a namespace of its own. On each
# platform; no native mode (it is an option of ingot run).
foreach(mode IN LISTS INGOT_TEST_PLATFORMS)
  foreach(case IN ITEMS http killed refusals)
    net_case(${mode} interface_${case} interface.sh 120 --case ${case})
    set_property(TEST net.${mode}.interface_${case} APPEND PROPERTY LABELS integration)
  endforeach()
endforeach()
