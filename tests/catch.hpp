// SPDX-License-Identifier: GPL-2.0
//
// The Catch2 macros the tests use, from Catch2 3 or 2, whichever CMake
// found (VMUX_CATCH2_MAJOR): 3 splits the single header of 2, and moved
// CHECK_THROWS_WITH to the matchers.

#pragma once

#if VMUX_CATCH2_MAJOR >= 3
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers.hpp>
#else
#include <catch2/catch.hpp>
#endif
