// SPDX-License-Identifier: GPL-2.0
//
// vmux [ OPTIONS ] OBJECT { COMMAND | help }
//
// Exit status as ip(8): 0 success, 1 a usage error or a failure before
// the kernel was asked (no such device or namespace), 2 the kernel refused.

#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "netns.hpp"

using namespace vmux;

namespace {

enum Exit { exit_ok = 0, exit_usage = 1, exit_failure = 1, exit_kernel = 2 };

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

// -c[olor][={always|auto|never}] (iproute2's matches_color() and
// check_enable_color(): "auto" is colour on a terminal; never with -json).
ColorMode color_mode(std::string_view word, std::string_view value)
{
	if (value.empty() || value == "always")
		return ColorMode::always;
	if (value == "auto")
		return ColorMode::automatic;
	if (value == "never")
		return ColorMode::never;
	throw UsageError(fmt::format("Option \"{}\" is unknown, try \"vmux -help\".", word));
}

constexpr Flag flags[] = {
	{"-Version", [](Global &g, Args &) { g.version = true; }},
	// GNU's spelling, which ip does not take: "-version" is no
	// abbreviation of "-Version".
	{"-version", [](Global &g, Args &) { g.version = true; }},
	{"-details", [](Global &g, Args &) { g.opts.details = true; }},
	{"-json", [](Global &g, Args &) { g.opts.json = true; }},
	{"-pretty", [](Global &g, Args &) { g.opts.pretty = true; }},
	{"-statistics", [](Global &g, Args &) { g.opts.stats++; }},
	{"-netns", [](Global &g, Args &args) { g.netns = args.next(); }},
	{"-help", [](Global &g, Args &) { g.help = true; }},
	{"-batch", [](Global &g, Args &args) { g.batch = args.next(); }},
	// ip's -b is -batch, -br is -brief.
	{"-b", [](Global &g, Args &args) { g.batch = args.next(); }},
	{"-brief", [](Global &g, Args &) { g.opts.brief = true; }},
	{"-oneline", [](Global &g, Args &) { g.opts.oneline = true; }},
	{"-color", [](Global &g, Args &) { g.opts.color = ColorMode::always; }},
	{"-force", [](Global &g, Args &) { g.force = g.opts.force = true; }},
};

// Options come before the object, each a word of its own; "--json" is
// "-json", as in ip.
Global parse_options(Args &args)
{
	Global g;

	while (!args.empty() && args.peek().starts_with('-')) {
		std::string_view word = args.next();
		std::string_view name = word.starts_with("--") ? word.substr(1) : word;
		std::size_t eq = name.find('=');
		const Flag *flag = lookup(name.substr(0, eq), flags, &Flag::name);

		if (!flag || (eq != name.npos && flag->name != "-color"))
			throw UsageError(fmt::format("Option \"{}\" is unknown, try \"vmux -help\".", word));
		flag->apply(g, args);
		if (eq != name.npos)
			g.opts.color = color_mode(word, name.substr(eq + 1));
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
	} catch (const HelpRequest &e) {
		emit(e.what());
		return exit_ok;
	} catch (const UsageError &e) {
		emit_error(e.what());
		return exit_usage;
	} catch (const NetlinkError &e) {
		emit_error(e.what());
		return exit_kernel;
	} catch (const std::exception &e) {
		emit_error(e.what());
		return exit_failure;
	}
}
