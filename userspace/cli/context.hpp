// SPDX-License-Identifier: GPL-2.0
//
// What every command gets: the global options and the netlink socket.

#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "args.hpp"
#include "netlink.hpp"
#include "printer.hpp"

namespace vmux {

enum class ColorMode { never, automatic, always };

struct Options {
	bool details = false;
	bool json = false;
	bool pretty = false;
	int stats = 0;
	bool brief = false;	// -br
	bool force = false;	// -force: a batch goes on; xdp replaces
	bool oneline = false;	// -o: a record per line, '\\' for its line breaks
	ColorMode color = ColorMode::never;
};

class Context {
public:
	explicit Context(Options opts) : opts(opts) {}

	// Opened on first use, then shared by every command (one socket for a
	// whole batch).
	Netlink &netlink();
	// A NETLINK_GENERIC socket, for the "vmux" family; opened on first use.
	Netlink &genl();
	// Text or JSON as the options say, coloured if -color applies.
	Printer printer() const;

	// Send a request; the kernel's warning, if any, goes to stderr.
	void request(const Message &msg);

	// The index of a device of the current netns. Remembered for the rest
	// of a batch, as ip does: one lookup costs a socket, an ioctl and a
	// close, most of the userspace work of a "link add" line. Commands
	// that can rename, move or delete a device forget them all first.
	int ifindex(std::string_view dev);
	void forget_ifindexes() noexcept { ifindexes_.clear(); }

	const Options opts;

private:
	std::optional<Netlink> netlink_;
	std::optional<Netlink> genl_;
	std::map<std::string, int, std::less<>> ifindexes_;
};

// stdout and stderr of the CLI.
void emit(std::string_view text);
void emit_error(std::string_view line);

// A command: the words after its name. Returns the exit status.
using CommandFn = int (*)(Context &ctx, Args &args);

struct Command {
	std::string_view name;
	CommandFn run;
	// What "COMMAND help" prints, as ip does ("link add help"); may be null.
	std::string (*usage)() = nullptr;
};

// Run the command the next word names (unique abbreviations accepted).
int dispatch(std::span<const Command> table, std::string_view object, Context &ctx, Args &args);

} // namespace vmux
