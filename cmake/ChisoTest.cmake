# chiso_add_test(name SOURCES a_test.cc ... LIBS chiso::x ...)
# One line turns a GoogleTest file into a CTest test run from the source root
# (so tests can find ../shared and data files by relative path).
if(CHISO_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()

function(chiso_add_test name)
  if(NOT CHISO_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main chiso_warnings)
  target_compile_definitions(${name} PRIVATE
    CHISO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CHISO_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       DISCOVERY_TIMEOUT 60)
endfunction()
