// SPDX-License-Identifier: GPL-2.0
//
// Every command of the vmux CLI, one file each.

#pragma once

#include "context.hpp"

namespace vmux {

// Objects: the first word after the options.
int cmd_link(Context &ctx, Args &args);
int cmd_help(Context &ctx, Args &args);

// link COMMAND
int link_add(Context &ctx, Args &args);
int link_set(Context &ctx, Args &args);
int link_del(Context &ctx, Args &args);
int link_show(Context &ctx, Args &args);
int link_help(Context &ctx, Args &args);

// Help texts.
std::string usage_text();
std::string link_usage_text();

} // namespace vmux
