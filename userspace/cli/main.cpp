// SPDX-License-Identifier: GPL-2.0
//
// vmux [ OPTIONS ] OBJECT { COMMAND | help }
//
// Exit status: 0 success, 1 the kernel or the system refused, 2 usage.

#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "netns.hpp"

using namespace vmux;

namespace {

enum Exit { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

struct Global {
	Options opts;
	std::string netns;
	std::string batch;
	bool force = false;
	bool version = false;
	bool help = false;
};

struct Flag {
	std::string_view name;
	void (*apply)(Global &g, Args &args);
};

constexpr Flag flags[] = {
	{"-Version", [](Global &g, Args &) { g.version = true; }},
	{"-details", [](Global &g, Args &) { g.opts.details = true; }},
	{"-json", [](Global &g, Args &) { g.opts.json = true; }},
	{"-pretty", [](Global &g, Args &) { g.opts.pretty = true; }},
	{"-statistics", [](Global &g, Args &) { g.opts.stats++; }},
	{"-netns", [](Global &g, Args &args) { g.netns = args.next(); }},
	{"-help", [](Global &g, Args &) { g.help = true; }},
	{"-batch", [](Global &g, Args &args) { g.batch = args.next(); }},
	{"-force", [](Global &g, Args &) { g.force = true; }},
};

// Options come before the object, each a word of its own; "--json" is
// "-json", as in ip.
Global parse_options(Args &args)
{
	Global g;

	while (!args.empty() && args.peek().starts_with('-')) {
		std::string_view word = args.next();
		std::string_view name = word.starts_with("--") ? word.substr(1) : word;
		const Flag *flag = lookup(name, flags, &Flag::name);

		if (!flag)
			throw UsageError(fmt::format("Option \"{}\" is unknown, try \"vmux -help\".", word));
		flag->apply(g, args);
	}
	return g;
}

int run(Args &args)
{
	Global g = parse_options(args);

	if (g.version) {
		emit(fmt::format("vmux utility, {}\n", VMUX_VERSION_STRING));
		return exit_ok;
	}
	if (g.help) {
		emit(usage_text());
		return exit_ok;
	}
	if (args.empty() && g.batch.empty()) {
		emit_error(usage_text());
		return exit_usage;
	}
	if (!g.netns.empty())
		enter_netns(g.netns);

	Context ctx(g.opts);
	if (!g.batch.empty()) {
		if (!args.empty())
			throw garbage_arg("-batch", args.peek());
		return run_batch(ctx, g.batch, g.force);
	}
	return run_object(ctx, args);
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> words(argv + 1, argv + argc);
	Args args(words);

	try {
		return run(args);
	} catch (const UsageError &e) {
		emit_error(e.what());
		return exit_usage;
	} catch (const std::exception &e) {
		emit_error(e.what());
		return exit_failure;
	}
}
