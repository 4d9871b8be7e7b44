# Builds and runs one of the consumer projects next to this file against mqttwire, the way a
# user would consume it. Run by CTest (see tests/CMakeLists.txt) as
#
#   cmake -DMODE=<find_package|add_subdirectory|fetch_content>
#         -DMQTTWIRE_SOURCE_DIR=<repo> -DMQTTWIRE_BINARY_DIR=<build> -DMQTTWIRE_VERSION=<x.y.z>
#         -DCONSUMER_SOURCE_DIR=<tests/install/MODE> -DWORK_DIR=<scratch dir>
#         -DGENERATOR=<gen> -DCXX_COMPILER=<c++> -DCTEST_COMMAND=<ctest>
#         [-DCONFIG=<cfg>] [-DMAKE_PROGRAM=<ninja>] [-DGENERATOR_PLATFORM=...]
#         [-DGENERATOR_TOOLSET=...] [-DCXX_COMPILER_ID=<id>] [-DPKG_CONFIG=<pkg-config>]
#         -P run_consumer.cmake
#
# find_package:     `cmake --install` the mqttwire build into WORK_DIR/prefix, check the
#                   installed files, build the consumer with find_package(mqttwire), and check
#                   mqttwire.pc with pkg-config (skipped, with a message, without PKG_CONFIG).
# add_subdirectory: the consumer does add_subdirectory(<repo>); it checks that every mqttwire
#                   option that builds or installs anything defaulted to OFF.
# fetch_content:    the same through FetchContent_Declare(mqttwire SOURCE_DIR <repo>) (local,
#                   no download).
cmake_minimum_required(VERSION 3.20)

foreach(var MODE MQTTWIRE_SOURCE_DIR MQTTWIRE_VERSION CONSUMER_SOURCE_DIR WORK_DIR GENERATOR
        CXX_COMPILER CTEST_COMMAND)
    if("${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
    endif()
endforeach()

# Runs a command, echoing it; any failure stops the script (and fails the CTest test).
function(run)
    execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(build_dir "${WORK_DIR}/build")

set(configure_args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    # Find nothing left behind by an earlier run or another install on this machine.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(GENERATOR_PLATFORM)
    list(APPEND configure_args -A "${GENERATOR_PLATFORM}")
endif()
if(GENERATOR_TOOLSET)
    list(APPEND configure_args -T "${GENERATOR_TOOLSET}")
endif()
if(MAKE_PROGRAM)
    list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
set(config_args)
if(CONFIG)
    list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
    set(config_args --config "${CONFIG}")
endif()

if(MODE STREQUAL "find_package")
    if("${MQTTWIRE_BINARY_DIR}" STREQUAL "")
        message(FATAL_ERROR "run_consumer.cmake: MODE=find_package needs -DMQTTWIRE_BINARY_DIR")
    endif()
    set(prefix "${WORK_DIR}/prefix")
    run("${CMAKE_COMMAND}" --install "${MQTTWIRE_BINARY_DIR}" --prefix "${prefix}" ${config_args})

    # The installed tree: the umbrella header, the package files, and nothing of the build.
    file(GLOB_RECURSE config_files "${prefix}/*/mqttwireConfig.cmake")
    file(GLOB_RECURSE pc_files "${prefix}/*/mqttwire.pc")
    foreach(what IN ITEMS config_files pc_files)
        list(LENGTH ${what} n)
        if(NOT n EQUAL 1)
            message(FATAL_ERROR "expected one installed ${what}, found ${n}: '${${what}}'")
        endif()
    endforeach()
    if(NOT EXISTS "${prefix}/include/mqttwire/mqttwire.hpp")
        message(FATAL_ERROR "include/mqttwire/mqttwire.hpp is not installed under ${prefix}")
    endif()
    get_filename_component(config_dir "${config_files}" DIRECTORY)
    foreach(f mqttwireConfig.cmake mqttwireConfigVersion.cmake mqttwireTargets.cmake)
        if(NOT EXISTS "${config_dir}/${f}")
            message(FATAL_ERROR "${f} is not installed next to mqttwireConfig.cmake")
        endif()
    endforeach()
    file(GLOB installed_cmake "${config_dir}/*.cmake")
    foreach(f IN LISTS installed_cmake pc_files)
        file(READ "${f}" text)
        foreach(bad IN ITEMS "${MQTTWIRE_SOURCE_DIR}" "${MQTTWIRE_BINARY_DIR}"
                mqttwire_warnings mqttwire_sanitize -Werror -fsanitize)
            string(FIND "${text}" "${bad}" at)
            if(NOT at EQUAL -1)
                message(FATAL_ERROR "installed ${f} mentions '${bad}'")
            endif()
        endforeach()
    endforeach()

    list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}"
        "-DEXPECTED_PREFIX=${prefix}" "-DEXPECTED_VERSION=${MQTTWIRE_VERSION}")
else()
    list(APPEND configure_args "-DMQTTWIRE_ROOT=${MQTTWIRE_SOURCE_DIR}")
endif()

run("${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${build_dir}" ${configure_args})
run("${CMAKE_COMMAND}" --build "${build_dir}" ${config_args})
set(ctest_config)
if(CONFIG)
    set(ctest_config -C "${CONFIG}")
endif()
execute_process(
    COMMAND "${CTEST_COMMAND}" --output-on-failure --no-tests=error ${ctest_config}
    WORKING_DIRECTORY "${build_dir}"
    COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)

# pkg-config: mqttwire.pc from the install above, alone on the search path.
if(MODE STREQUAL "find_package")
    if(NOT PKG_CONFIG)
        message(STATUS "pkg-config not found: SKIPPED the mqttwire.pc check "
            "(install pkg-config to run it)")
        return()
    endif()
    get_filename_component(pc_dir "${pc_files}" DIRECTORY)
    set(ENV{PKG_CONFIG_LIBDIR} "${pc_dir}")
    set(ENV{PKG_CONFIG_PATH} "")
    foreach(query modversion cflags libs)
        execute_process(COMMAND "${PKG_CONFIG}" --${query} mqttwire
            OUTPUT_VARIABLE pc_${query} OUTPUT_STRIP_TRAILING_WHITESPACE
            COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
        message(STATUS "pkg-config --${query} mqttwire: '${pc_${query}}'")
    endforeach()
    if(NOT pc_modversion STREQUAL MQTTWIRE_VERSION)
        message(FATAL_ERROR "mqttwire.pc says version '${pc_modversion}', "
            "expected '${MQTTWIRE_VERSION}'")
    endif()
    if(NOT pc_libs STREQUAL "")
        message(FATAL_ERROR "mqttwire is header-only, yet pkg-config --libs gives '${pc_libs}'")
    endif()
    separate_arguments(cflags UNIX_COMMAND "${pc_cflags}")
    set(found_header OFF)
    foreach(flag IN LISTS cflags)
        if(flag MATCHES "^-I(.+)$")
            if(EXISTS "${CMAKE_MATCH_1}/mqttwire/mqttwire.hpp")
                set(found_header ON)
            endif()
        endif()
    endforeach()
    if(NOT found_header)
        message(FATAL_ERROR "pkg-config --cflags mqttwire ('${pc_cflags}') has no -I<dir> "
            "with mqttwire/mqttwire.hpp in it")
    endif()
    # Compile and run the consumer the Makefile way: $(CXX) -std=c++20 $(pkg-config --cflags).
    if(CXX_COMPILER_ID MATCHES "GNU|Clang")
        set(exe "${WORK_DIR}/pkg_config_consumer")
        string(REPLACE "." ";" v "${MQTTWIRE_VERSION}")
        list(GET v 0 major)
        list(GET v 1 minor)
        list(GET v 2 patch)
        run("${CXX_COMPILER}" -std=c++20 -Wall -Wextra -Wpedantic -Werror ${cflags}
            -DEXPECTED_VERSION_MAJOR=${major} -DEXPECTED_VERSION_MINOR=${minor}
            -DEXPECTED_VERSION_PATCH=${patch}
            "${CONSUMER_SOURCE_DIR}/main.cpp" -o "${exe}")
        run("${exe}")
    endif()
endif()
