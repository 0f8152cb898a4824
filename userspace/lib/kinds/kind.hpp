// SPDX-License-Identifier: GPL-2.0
//
// A vmux link kind is one table of options. Each row says how an option is
// written (keyword, syntax, help), which IFLA_INFO_DATA attribute it
// becomes (parse) and how that attribute is shown (print). Parsing,
// encoding, decoding, text and JSON output, help and shell completion are
// all driven by the rows: adding an option is adding a row.

#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "../args.hpp"
#include "../attrs.hpp"
#include "../printer.hpp"

namespace vmux {

struct Choice {
	std::string_view name;
	std::uint32_t value;
};

// How an option is written; help and completion follow from it.
enum class Syntax {
	keyword,	// the keyword alone: "nopromisc"
	value,		// keyword VALUE, VALUE described by metavar and grammar
	on_off,		// keyword { on | off }
	choice,		// keyword { a | b | c }
	bare_choice,	// one of the choices alone: "bridge"
	status,		// reported by the kernel only, not accepted
};

struct Option;

// What `vmux apply` must do to bring a device's kind data to the declared.
enum class Change {
	none,		// equal
	set,		// a changelink sends the row's part of out
	replace,	// the kernel cannot change it: delete and create again
};

// Parse the option's value(s), the keyword already consumed (for a
// bare_choice, keyword is the choice), into the attributes to send.
using ParseFn = void (*)(const Option &row, std::string_view keyword, Args &args, Attrs &data);
// Print the row's attribute(s) from a dump; table is the whole kind.
using PrintFn = void (*)(const Option &row, const Attrs &data, Printer &out,
			 std::span<const Option> table);
// Compare the row's part of want (a declaration's IFLA_INFO_DATA) with
// have (the device's, from a dump); put into out what a changelink must
// send for it. Called only for a row the declaration names.
using DiffFn = Change (*)(const Option &row, const Attrs &want, const Attrs &have, Attrs &out);

struct Option {
	std::string_view keyword;
	std::uint16_t attr;
	Syntax syntax;
	std::string_view metavar = {};		// VALUE in help: "VLANID"
	std::span<const Choice> choices = {};	// choice, bare_choice, and sub-commands
	std::string_view grammar = {};		// what metavar stands for, if not the
						// choices or the range
	std::int64_t min = 0, max = 0;		// numeric values (Syntax::value)
	std::uint32_t bit = 0;			// the flag of on_off/keyword rows
	std::string_view fallback = {};		// the kernel's default, shown in help
	bool required = false;			// on create
	ParseFn parse = nullptr;
	PrintFn print = nullptr;		// nullptr: shown by another row
	bool fixed = false;			// the kernel refuses to change it
	DiffFn diff = nullptr;			// nullptr: diff_bytes()
};

// What the port looks at to find a device of the kind.
enum class Demux {
	tag,		// the VLAN tag: key attributes only
	mac,		// the device's MAC address (and key attributes)
	ip,		// the device's IP addresses (and key attributes)
};

struct Kind {
	std::string_view name;		// after "type": "vlan"
	std::string_view kernel_kind;	// IFLA_INFO_KIND: "vmux_vlan"
	std::span<const Option> options;
	Demux demux;
	// The attributes `port show` prints with a device: its demux key
	// and what decides delivery (mode, flags).
	std::span<const std::uint16_t> key_attrs;
	// Rules across options, once the whole line is parsed (may be null).
	void (*finish)(Attrs &data) = nullptr;
	// The attributes the lower's port keeps for every device of the kind
	// on it (ipvlan's mode and flags, macvlan's bclim): one value a lower.
	std::span<const std::uint16_t> port_attrs = {};
	// A lower of the same kind stands for its own lower (macvlan, ipvlan).
	bool reparents = false;
	// Whether a device with this data takes the address it is given
	// (null: it does); an ipvlan has its lower's, so has passthru.
	bool (*takes_address)(const Attrs &data) = nullptr;
};

// The registry: every kind vmux knows.
std::span<const Kind *const> kinds();
// By user name or kernel kind: "vlan" and "vmux_vlan" are the same.
const Kind *find_kind(std::string_view name);

// The same, a usage error listing the kinds if there is none.
const Kind &kind_named(std::string_view name);

// The kind's ARGS, up to the end of the command line.
Attrs parse_kind_args(const Kind &kind, Args &args);
// The kind's part of `link show -d`: IFLA_INFO_DATA of a dump.
void print_kind_data(const Kind &kind, const Attrs &data, Printer &out);
// Only the rows of kind.key_attrs, for `port show`.
void print_kind_keys(const Kind &kind, const Attrs &data, Printer &out);
// What `vmux apply` changes on a device of the kind: the rows the
// declaration names whose values differ, by keyword, and what to send.
struct KindDiff {
	Change change = Change::none;
	std::vector<std::string_view> keywords;	// the rows that differ
	Attrs data;				// IFLA_INFO_DATA of the changelink
};
KindDiff diff_kind_data(const Kind &kind, const Attrs &want, const Attrs &have);
// The default DiffFn: the attribute's bytes, absent in have = different;
// Change::replace for a fixed row.
Change diff_bytes(const Option &row, const Attrs &want, const Attrs &have, Attrs &out);

// "Usage: ... vlan id VLANID ..." with one line per option, then what
// each VALUE stands for and the defaults.
std::string kind_help(const Kind &kind);

// One row's part of a usage line ("mode MODE", "arp { on | off }") and
// what its VALUE stands for ("{ a | b }", "0-4094", the row's grammar).
std::string option_usage(const Option &row);
std::string option_grammar(const Option &row);

// What a shell may complete: the words that start an option, and the
// words that may follow one (empty: a free value).
std::vector<std::string_view> option_words(const Kind &kind);
std::vector<std::string_view> value_words(const Kind &kind, std::string_view keyword);
// The words a row's value may be (empty: a free value, or none is due).
std::vector<std::string_view> value_words(const Option &row);
// Whether the row's keyword is followed by a value.
bool takes_value(const Option &row);

// ---- building blocks for the tables -----------------------------------

// Swap to network byte order at compile time (IFLA_VMUX_VLAN_PROTOCOL).
constexpr std::uint16_t be16(std::uint16_t host)
{
	if constexpr (std::endian::native == std::endian::little)
		return static_cast<std::uint16_t>((host << 8) | (host >> 8));
	return host;
}

// The row's choice named word; a usage error listing them if none is.
const Choice &choose(const Option &row, std::string_view word);
// "must be 0-4094", "must be "on" or "off"": what the row accepts.
std::string accepted(const Option &row);

// keyword NUMBER in [row.min, row.max], stored as T.
template <std::integral T>
void parse_number_attr(const Option &row, std::string_view, Args &args, Attrs &data)
{
	std::string_view word = args.next();
	auto value = parse_number<T>(word);

	if (!value || *value < row.min || *value > row.max)
		throw invalid_arg(word, fmt::format("{} {}", row.keyword, accepted(row)));
	data.put_value(row.attr, *value);
}

// keyword CHOICE, the choice's value stored as T.
template <std::integral T>
void parse_choice_attr(const Option &row, std::string_view, Args &args, Attrs &data)
{
	data.put_value(row.attr, static_cast<T>(choose(row, args.next()).value));
}

// "keyword N " / "keyword": N
template <std::integral T>
void print_number_attr(const Option &row, const Attrs &data, Printer &out, std::span<const Option>)
{
	if (auto value = data.get<T>(row.attr)) {
		out.text(row.keyword);
		out.print(Out::any, row.keyword, " {} ", *value);
	}
}

// The name of a value among the row's choices, as ip prints it.
std::string_view choice_name(const Option &row, std::uint32_t value);

// "keyword NAME " / "keyword": "NAME"
template <std::integral T>
void print_choice_attr(const Option &row, const Attrs &data, Printer &out, std::span<const Option>)
{
	if (auto value = data.get<T>(row.attr)) {
		out.text(row.keyword);
		out.print(Out::any, row.keyword, " {} ", choice_name(row, *value));
	}
}

// "keyword " / "keyword": true, for a flag that is set.
void print_true(std::string_view keyword, Printer &out);

} // namespace vmux
