// SPDX-License-Identifier: GPL-2.0
//
// The CNI commands: SKEL's checks, then ADD, DEL, CHECK or VERSION on the
// host through libvmux. Single-threaded: entering the container's netns
// with setns() moves the whole process.

#pragma once

#include <string>
#include <string_view>

#include "env.hpp"

namespace vmux::cni {

// What goes to stdout on success (ADD's result, VERSION's answer; nothing
// for DEL and CHECK); an Error otherwise, after undoing whatever the
// command had done.
std::string run(const Env &env, std::string_view stdin_data);

} // namespace vmux::cni
