# soma_add_plugin(NAME SOURCES src... [LIBS lib...] [OUTPUT_DIR dir] [NO_INSTALL])
# One plugin = one MODULE library with hidden visibility, named NAME.so (no
# "lib" prefix), placed where soma finds it without any setting.
function(soma_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  if(NOT P_OUTPUT_DIR)
    if(SOMA_BUILD_PLUGIN_DIR)
      set(P_OUTPUT_DIR ${SOMA_BUILD_PLUGIN_DIR})   # inside soma's own build
    else()
      set(P_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}) # an outside project
    endif()
  endif()
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE soma::sdk ${P_LIBS})
  # No code in a plugin reads floating-point exception flags or errno; without
  # them GCC may vectorise branch-free selects and math (see soma/math.h).
  target_compile_options(${name} PRIVATE -fno-trapping-math -fno-math-errno)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIR})
  if(NOT P_NO_INSTALL)
    include(GNUInstallDirs)
    install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/soma/plugins)
  endif()
endfunction()
