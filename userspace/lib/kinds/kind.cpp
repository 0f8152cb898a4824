// SPDX-License-Identifier: GPL-2.0
//
// The engine behind the option tables, and the registry of kinds.

#include "kind.hpp"

#include <algorithm>
#include <ranges>

#include <fmt/format.h>

namespace vmux {

extern const Kind vlan_kind;
extern const Kind macvlan_kind;
extern const Kind ipvlan_kind;

// A kind is its table file plus one line here.
static const Kind *const registry[] = {
	&vlan_kind,
	&macvlan_kind,
	&ipvlan_kind,
};

std::span<const Kind *const> kinds()
{
	return registry;
}

const Kind *find_kind(std::string_view name)
{
	for (const Kind *kind : registry)
		if (name == kind->name || name == kind->kernel_kind)
			return kind;
	return nullptr;
}

const Kind &kind_named(std::string_view name)
{
	if (const Kind *kind = find_kind(name))
		return *kind;

	std::vector<std::string_view> names;
	for (const Kind *kind : registry)
		names.push_back(kind->name);
	throw invalid_arg(name, "unknown link type, must be " + quoted_list(names, " or "));
}

// The words of a Syntax::on_off row.
static constexpr Choice on_off_choices[] = {{"on", 1}, {"off", 0}};

static std::span<const Choice> choices_of(const Option &row)
{
	return row.syntax == Syntax::on_off ? std::span<const Choice>(on_off_choices) : row.choices;
}

static std::vector<std::string_view> names_of(std::span<const Choice> choices)
{
	std::vector<std::string_view> names;

	for (const Choice &choice : choices)
		names.push_back(choice.name);
	return names;
}

const Choice &choose(const Option &row, std::string_view word)
{
	for (const Choice &choice : choices_of(row))
		if (choice.name == word)
			return choice;
	throw invalid_arg(word, fmt::format("{} {}", row.keyword, accepted(row)));
}

static std::string range_of(const Option &row)
{
	// "-1..7" would read as a range from -1 to -7 with a dash.
	return fmt::format("{}{}{}", row.min, row.min < 0 ? ".." : "-", row.max);
}

std::string accepted(const Option &row)
{
	if (!choices_of(row).empty())
		return "must be " + quoted_list(names_of(choices_of(row)), " or ");
	return "must be " + range_of(row);
}

std::string_view choice_name(const Option &row, std::uint32_t value)
{
	for (const Choice &choice : row.choices)
		if (choice.value == value)
			return choice.name;
	return "unknown";
}

void print_true(std::string_view keyword, Printer &out)
{
	out.text(keyword);
	out.print(Out::any, keyword, " ", true);
}

// A word on the command line names a row by its keyword, or, for a
// bare_choice row, by one of its choices.
struct Spelling {
	std::string_view word;
	const Option *row;
};

static std::vector<Spelling> spellings(const Kind &kind)
{
	std::vector<Spelling> out;

	for (const Option &row : kind.options) {
		if (row.syntax == Syntax::status)
			continue;
		if (row.syntax == Syntax::bare_choice) {
			for (const Choice &choice : row.choices)
				out.push_back({choice.name, &row});
		} else {
			out.push_back({row.keyword, &row});
		}
	}
	return out;
}

Attrs parse_kind_args(const Kind &kind, Args &args)
{
	const std::vector<Spelling> words = spellings(kind);
	Attrs data;

	while (!args.empty()) {
		std::string_view word = args.next();
		// As in ip: "type vlan help" explains the kind, and is no command.
		if (word == "help")
			throw HelpRequest(kind_help(kind));
		const Spelling *spelling = lookup(word, words, [](const Spelling &s) { return s.word; });

		if (!spelling)
			throw invalid_arg(word, fmt::format("unknown {} option, try \"vmux link help {}\"",
							    kind.name, kind.name));
		spelling->row->parse(*spelling->row, spelling->word, args, data);
	}
	if (kind.finish)
		kind.finish(data);
	return data;
}

void print_kind_data(const Kind &kind, const Attrs &data, Printer &out)
{
	for (const Option &row : kind.options)
		if (row.print)
			row.print(row, data, out, kind.options);
}

void print_kind_keys(const Kind &kind, const Attrs &data, Printer &out)
{
	for (const Option &row : kind.options)
		if (row.print && std::ranges::find(kind.key_attrs, row.attr) != kind.key_attrs.end())
			row.print(row, data, out, kind.options);
}

// ---- vmux apply ----------------------------------------------------------

Change diff_bytes(const Option &row, const Attrs &want, const Attrs &have, Attrs &out)
{
	const Bytes *wanted = want.find(row.attr);
	const Bytes *present = have.find(row.attr);

	if (!wanted || (present && *present == *wanted))
		return Change::none;
	if (row.fixed)
		return Change::replace;
	out.copy(want, row.attr);
	return Change::set;
}

KindDiff diff_kind_data(const Kind &kind, const Attrs &want, const Attrs &have)
{
	KindDiff diff;
	std::vector<std::uint16_t> done;

	for (const Option &row : kind.options) {
		if (row.syntax == Syntax::status || !want.has(row.attr))
			continue;
		// Rows that share an attribute without a DiffFn of their own
		// (macvlan's flag words) are one value: compared once.
		if (!row.diff) {
			if (std::ranges::find(done, row.attr) != done.end())
				continue;
			done.push_back(row.attr);
		}
		Change change = (row.diff ? row.diff : diff_bytes)(row, want, have, diff.data);

		if (change == Change::none)
			continue;
		if (std::ranges::find(diff.keywords, row.keyword) == diff.keywords.end())
			diff.keywords.push_back(row.keyword);
		diff.change = std::max(diff.change, change);
	}
	return diff;
}

// ---- help ----------------------------------------------------------------

std::string option_usage(const Option &row)
{
	switch (row.syntax) {
	case Syntax::keyword:
		return std::string(row.keyword);
	case Syntax::on_off:
		return fmt::format("{} {{ on | off }}", row.keyword);
	case Syntax::bare_choice:
		return std::string(row.metavar);
	default:
		return fmt::format("{} {}", row.keyword, row.metavar);
	}
}

std::string option_grammar(const Option &row)
{
	if (!row.grammar.empty())
		return std::string(row.grammar);
	if (!row.choices.empty())
		return fmt::format("{{ {} }}", fmt::join(names_of(row.choices), " | "));
	return range_of(row);
}

static std::string default_note(const Option &row)
{
	return row.fallback.empty() ? "" : fmt::format("  (default: {})", row.fallback);
}

std::string kind_help(const Kind &kind)
{
	std::string out = fmt::format("Usage: ... {}", kind.name);
	std::vector<std::string_view> metavars;
	std::string grammar;

	// Required options first, on the usage line itself, as ip does.
	for (const Option &row : kind.options)
		if (row.required)
			out += " " + option_usage(row);
	for (const Option &row : kind.options) {
		if (row.syntax == Syntax::status || row.required)
			continue;
		out += fmt::format("\n\t\t[ {} ]", option_usage(row));
		if (row.metavar.empty())
			out += default_note(row);
	}
	for (const Option &row : kind.options) {
		if (row.metavar.empty() || std::ranges::find(metavars, row.metavar) != metavars.end())
			continue;
		metavars.push_back(row.metavar);
		grammar += fmt::format("\n{} := {}{}", row.metavar, option_grammar(row), default_note(row));
	}
	return out + "\n" + grammar + "\n";
}

// ---- completion ----------------------------------------------------------

std::vector<std::string_view> option_words(const Kind &kind)
{
	std::vector<std::string_view> words;

	for (const Spelling &s : spellings(kind))
		words.push_back(s.word);
	return words;
}

std::vector<std::string_view> value_words(const Option &row)
{
	return row.syntax == Syntax::bare_choice ? std::vector<std::string_view>{}
						 : names_of(choices_of(row));
}

bool takes_value(const Option &row)
{
	return row.syntax == Syntax::value || row.syntax == Syntax::on_off ||
	       row.syntax == Syntax::choice;
}

std::vector<std::string_view> value_words(const Kind &kind, std::string_view keyword)
{
	for (const Option &row : kind.options)
		if (row.keyword == keyword)
			return value_words(row);
	return {};
}

} // namespace vmux
