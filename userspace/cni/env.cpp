// SPDX-License-Identifier: GPL-2.0

#include "env.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>
#include <fmt/format.h>

#include "error.hpp"
#include "json.hpp"

namespace vmux::cni {

namespace {

// utils.ValidateContainerID / ValidateNetworkName: ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$
bool valid_id(std::string_view id)
{
	auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };

	return !id.empty() && alnum(id.front()) &&
	       std::all_of(id.begin(), id.end(), [&](char c) {
		       return alnum(c) || c == '_' || c == '.' || c == '-';
	       });
}

// Go's unicode.IsSpace for the characters an interface name can hold
// (the kernel refuses non-ASCII blanks anyway).
bool is_space(char c)
{
	return std::isspace(static_cast<unsigned char>(c)) != 0 || c == '\x85' || c == '\xa0';
}

// Go's %q of a []string: ["a" "b"].
std::string go_quoted(const std::vector<std::string> &list)
{
	std::vector<std::string> quoted;

	for (const std::string &s : list)
		quoted.push_back(dump_text(Json(s)));
	return fmt::format("[{}]", fmt::join(quoted, " "));
}

// UnmarshallableBool: "1"/"true" and "0"/"false", any case.
std::optional<bool> parse_bool(std::string_view value)
{
	std::string lower(value);

	std::transform(lower.begin(), lower.end(), lower.begin(),
		       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	if (lower == "1" || lower == "true")
		return true;
	if (lower == "0" || lower == "false")
		return false;
	return std::nullopt;
}

} // namespace

Env read_env(const Getenv &getenv)
{
	Env env;
	auto get = [&](const char *name) {
		const char *value = getenv(name);
		return std::string(value ? value : "");
	};

	env.command = get("CNI_COMMAND");
	env.container_id = get("CNI_CONTAINERID");
	env.netns = get("CNI_NETNS");
	env.ifname = get("CNI_IFNAME");
	env.args = get("CNI_ARGS");
	env.path = get("CNI_PATH");

	// SKEL's table: which command needs which variable, in this order.
	bool add_check = env.command == "ADD" || env.command == "CHECK";
	bool any = add_check || env.command == "DEL";
	const struct {
		const char *name;
		const std::string &value;
		bool required;
	} vars[] = {
		{"CNI_COMMAND", env.command, true},
		{"CNI_CONTAINERID", env.container_id, any},
		{"CNI_NETNS", env.netns, add_check},
		{"CNI_IFNAME", env.ifname, any},
		{"CNI_ARGS", env.args, false},
		{"CNI_PATH", env.path, any},
	};
	std::vector<std::string_view> missing;

	for (const auto &var : vars)
		if (var.required && var.value.empty())
			missing.push_back(var.name);
	if (!missing.empty())
		throw Error(invalid_env, fmt::format("required env variables [{}] missing",
						     fmt::join(missing, ",")));
	return env;
}

std::string skel_checks(const Env &env, std::string_view stdin_data)
{
	Json conf = Json::parse(stdin_data, nullptr, false);

	if (conf.is_discarded() || !conf.is_object())
		throw Error(decode_failure, "error unmarshall network config: not a JSON object",
			    std::string(stdin_data.substr(0, 200)));
	std::string name;
	if (conf.contains("name") && !conf["name"].is_null()) {
		if (!conf["name"].is_string())
			throw Error(decode_failure, fmt::format("error unmarshall network config: "
								"\"name\" must be a string, not {}",
								dump_text(conf["name"])));
		name = conf["name"].get<std::string>();
	}
	if (name.empty())
		throw Error(invalid_config, "missing network name");
	if (!valid_id(name))
		throw Error(invalid_config, "invalid characters found in network name", name);

	if (env.container_id.empty())
		throw Error(unknown_container, "missing containerID");
	if (!valid_id(env.container_id))
		throw Error(invalid_env, "invalid characters in containerID", env.container_id);

	const std::string &ifname = env.ifname;
	if (ifname.empty())
		throw Error(invalid_env, "interface name is empty");
	if (ifname.size() > 15)
		throw Error(invalid_env, "interface name is too long",
			    "interface name should be less than 16 characters");
	if (ifname == "." || ifname == "..")
		throw Error(invalid_env, "interface name is . or ..");
	if (std::any_of(ifname.begin(), ifname.end(),
			[](char c) { return c == '/' || c == ':' || is_space(c); }))
		throw Error(invalid_env, "interface name contains / or : or whitespace characters");
	// Bytes the result's JSON and the runtime's logs would mangle.
	if (std::any_of(ifname.begin(), ifname.end(),
			[](char c) { return static_cast<unsigned char>(c) > 0x7e; }))
		throw Error(invalid_env, "interface name contains characters that are not ASCII");

	if (!conf.contains("cniVersion") || conf["cniVersion"].is_null())
		return {};
	if (!conf["cniVersion"].is_string())
		throw Error(decode_failure, fmt::format("error unmarshall network config: "
							"\"cniVersion\" must be a string, not {}",
							dump_text(conf["cniVersion"])));
	return conf["cniVersion"].get<std::string>();
}

CniArgs parse_cni_args(std::string_view args)
{
	CniArgs out;
	std::vector<std::string> unknown;

	if (args.empty())
		return out;
	for (std::size_t start = 0; start <= args.size();) {
		std::size_t end = std::min(args.find(';', start), args.size());
		std::string_view pair = args.substr(start, end - start);
		std::size_t eq = pair.find('=');

		start = end + 1;
		// strings.Split(pair, "="): exactly one '='.
		if (eq == std::string_view::npos || pair.find('=', eq + 1) != std::string_view::npos)
			throw Error(invalid_env, fmt::format("ARGS: invalid pair {}",
							     dump_text(Json(std::string(pair)))));
		std::string_view key = pair.substr(0, eq), value = pair.substr(eq + 1);

		if (key == "IgnoreUnknown") {
			auto b = parse_bool(value);
			if (!b)
				throw Error(invalid_env,
					    fmt::format("ARGS: error parsing value of pair {}: "
							"(boolean unmarshal error: invalid input {})",
							dump_text(Json(std::string(pair))), value));
			out.ignore_unknown = *b;
		} else if (key == "MAC") {
			out.mac = std::string(value);
		} else if (key == "IP") {
			out.ip = std::string(value);
		} else {
			unknown.emplace_back(pair);
		}
	}
	if (!unknown.empty() && !out.ignore_unknown)
		throw Error(invalid_env, fmt::format("ARGS: unknown args {}", go_quoted(unknown)));
	return out;
}

std::vector<std::string> split_path(std::string_view path)
{
	std::vector<std::string> dirs;

	for (std::size_t start = 0; start <= path.size();) {
		std::size_t end = std::min(path.find(':', start), path.size());

		if (end > start)
			dirs.emplace_back(path.substr(start, end - start));
		start = end + 1;
	}
	return dirs;
}

} // namespace vmux::cni
