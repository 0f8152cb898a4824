// SPDX-License-Identifier: GPL-2.0
//
// vmux-cni: a CNI plugin giving containers vmux macvlan, ipvlan and vlan
// interfaces. The result or the error object goes to stdout; exit status
// 0 or 1, as every plugin built on SKEL.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

#include <fmt/core.h>

#include "env.hpp"
#include "error.hpp"
#include "plugin.hpp"
#include "version.hpp"

using namespace vmux::cni;

int main()
{
	// A delegate that exits before reading its stdin is no reason to die.
	std::signal(SIGPIPE, SIG_IGN);

	const char *command = std::getenv("CNI_COMMAND");
	if (!command || !*command) {
		std::fputs(about_text(VMUX_VERSION_STRING).c_str(), stderr);
		return 0;
	}
	try {
		Env env = read_env(std::getenv);
		std::string input;

		// VERSION ignores its stdin, as SKEL does.
		if (env.command != "VERSION") {
			input.assign(std::istreambuf_iterator<char>(std::cin),
				     std::istreambuf_iterator<char>());
			if (std::cin.bad())
				throw Error(io_failure, "error reading from stdin");
		}
		std::string out = run(env, input);
		if (!out.empty())
			fmt::print("{}\n", out);
		std::fflush(stdout);
		return 0;
	} catch (const Error &e) {
		fmt::print("{}\n", error_json(e));
	} catch (const std::exception &e) {
		fmt::print("{}\n", error_json(Error(internal, e.what())));
	}
	std::fflush(stdout);
	return 1;
}
