// SPDX-License-Identifier: GPL-2.0
//
// The CNI_* environment and SKEL's checks of it (cni v1.1.2 pkg/skel), with
// SKEL's codes and messages, so runtimes see what the reference plugins
// would tell them.

#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmux::cni {

struct Env {
	std::string command;		// ADD, DEL, CHECK, VERSION
	std::string container_id;
	std::string netns;		// a path; may be empty for DEL
	std::string ifname;
	std::string args;		// CNI_ARGS: "K=V;K=V"
	std::string path;		// CNI_PATH: "dir:dir"
};

using Getenv = std::function<const char *(const char *)>;

// The variables, code 4 naming those the command requires and lacks:
// "required env variables [CNI_NETNS,CNI_PATH] missing".
Env read_env(const Getenv &getenv);

// SKEL's checks before ADD, CHECK and DEL: the stdin config's "name"
// (code 6 if stdin is no JSON object, 7 for the name), CNI_CONTAINERID
// (3 if empty, 4 if invalid) and CNI_IFNAME (4). Returns the config's
// cniVersion ("" if it has none).
std::string skel_checks(const Env &env, std::string_view stdin_data);

// CNI_ARGS as the reference macvlan reads them (types.LoadArgs): the keys
// it knows, the others an error unless IgnoreUnknown is true. IP is known
// too: the IPAM plugin (host-local) reads it from the same variable.
struct CniArgs {
	bool ignore_unknown = false;
	std::optional<std::string> mac;
	std::optional<std::string> ip;
};
CniArgs parse_cni_args(std::string_view args);

// CNI_PATH's directories, empty ones dropped.
std::vector<std::string> split_path(std::string_view path);

} // namespace vmux::cni
