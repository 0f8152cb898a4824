// SPDX-License-Identifier: GPL-2.0
//
// Every command of the vmux CLI, one file each.

#pragma once

#include <filesystem>
#include <iosfwd>

#include "context.hpp"

namespace vmux {

// The first word after the options names an object.
int run_object(Context &ctx, Args &args);
// -batch FILE ("-": stdin); the exit status of the batch.
int run_batch(Context &ctx, std::string_view name, bool force);
// A batch line's words: blanks separate, quotes group, '#' comments.
std::vector<std::string> split_words(std::string_view line);
// One command of a batch or configuration file into command: a line ending
// in a backslash goes on on the next one. Returns the number of physical
// lines read, 0 at the end of the input.
int read_command(std::istream &in, std::string &command);
// The *.conf files of a directory, sorted by name. One that cannot be read
// has none, or with strict is an error (std::runtime_error).
std::vector<std::filesystem::path> conf_files(const std::filesystem::path &dir, bool strict = false);

// Objects
int cmd_link(Context &ctx, Args &args);
int cmd_help(Context &ctx, Args &args);
int cmd_port(Context &ctx, Args &args);
int cmd_monitor(Context &ctx, Args &args);
int cmd_completion(Context &ctx, Args &args);
int cmd_apply(Context &ctx, Args &args);

// link COMMAND
int link_add(Context &ctx, Args &args);
int link_set(Context &ctx, Args &args);
int link_del(Context &ctx, Args &args);
int link_show(Context &ctx, Args &args);
int link_help(Context &ctx, Args &args);

// port COMMAND
int port_show(Context &ctx, Args &args);

// Help texts.
std::string usage_text();
std::string link_usage_text();
std::string link_add_usage();
std::string link_set_usage();
std::string link_del_usage();
std::string link_show_usage();
std::string port_usage_text();
std::string monitor_usage_text();
std::string completion_usage_text();
std::string apply_usage_text();
std::string bash_completion();

} // namespace vmux
