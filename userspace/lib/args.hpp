// SPDX-License-Identifier: GPL-2.0
//
// Command-line words: a cursor over them, ip's keyword abbreviation, and
// the value syntaxes ip accepts (numbers in base 0, link-layer addresses).

#pragma once

#include <charconv>
#include <concepts>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attrs.hpp"
#include "error.hpp"

namespace vmux {

class Args {
public:
	explicit Args(std::span<const std::string> words) : words_(words) {}

	bool empty() const { return pos_ == words_.size(); }
	std::size_t remaining() const { return words_.size() - pos_; }
	// The current word; the command line must not be empty.
	std::string_view peek() const { return words_[pos_]; }
	// Consume the current word; running out is an incomplete command
	// (iproute2's NEXT_ARG()).
	std::string_view next();

private:
	std::span<const std::string> words_;
	std::size_t pos_ = 0;
};

// ip's check_ifname(): not empty, under IFNAMSIZ, no '/' or blank; and
// not "." or "..", which the kernel's dev_valid_name() refuses too.
bool valid_ifname(std::string_view name);
// The same, a usage error naming the keyword, in ip's words:
// Error: argument "a b" is wrong: "name" not a valid ifname
void check_ifname(std::string_view keyword, std::string_view name);

// "[ dev ] DEV", of which word is the first: sets dev, once. A second
// device name is garbage, as in ip.
void take_dev(std::string &dev, std::string_view word, Args &args);

// iproute2's matches(): a non-empty word abbreviates keyword.
constexpr bool matches(std::string_view word, std::string_view keyword)
{
	return !word.empty() && keyword.starts_with(word);
}

std::string quoted_list(std::span<const std::string_view> names, std::string_view last_sep);

// The entry of table whose keyword (std::invoke(key, entry)) the word names: in full,
// or abbreviated if no other keyword starts the same way. nullptr if none;
// an ambiguous abbreviation is a usage error naming the candidates.
template <typename Table, typename Key>
auto lookup(std::string_view word, Table &&table, Key key) -> decltype(&*std::begin(table))
{
	decltype(&*std::begin(table)) found = nullptr;
	std::vector<std::string_view> candidates;

	for (auto &entry : table) {
		std::string_view keyword = std::invoke(key, entry);

		if (keyword.empty() || !matches(word, keyword))
			continue;
		if (keyword == word)
			return &entry;
		// Several rows may share a keyword's spelling; count it once.
		if (!found || std::invoke(key, *found) != keyword)
			candidates.push_back(keyword);
		found = &entry;
	}
	if (candidates.size() > 1)
		throw invalid_arg(word, "ambiguous, could be " + quoted_list(candidates, " or "));
	return found;
}

// strtoul()/strtol() with base 0, as ip's get_u16() and friends: decimal,
// 0x hex or 0 octal, the whole word, in range for T.
template <std::integral T> std::optional<T> parse_number(std::string_view word)
{
	bool negative = word.starts_with('-');
	int base = 10;

	if (negative) {
		if constexpr (std::is_unsigned_v<T>)
			return std::nullopt;
		word.remove_prefix(1);
	}
	if (word.starts_with("0x") || word.starts_with("0X")) {
		base = 16;
		word.remove_prefix(2);
	} else if (word.size() > 1 && word.starts_with('0')) {
		base = 8;
		word.remove_prefix(1);
	}

	unsigned long long magnitude;
	auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), magnitude, base);
	if (word.empty() || ec != std::errc() || end != word.data() + word.size())
		return std::nullopt;

	using Limits = std::numeric_limits<T>;
	if (negative) {
		// |min| is max + 1; C++20 defines the modular conversion.
		if (magnitude > static_cast<unsigned long long>(Limits::max()) + 1)
			return std::nullopt;
		return static_cast<T>(0ULL - magnitude);
	}
	if (magnitude > static_cast<unsigned long long>(Limits::max()))
		return std::nullopt;
	return static_cast<T>(magnitude);
}

// "52:54:00:12:34:56": hex bytes of one or two digits, ':' separated.
std::optional<Bytes> parse_lladdr(std::string_view word);
std::string format_lladdr(ByteView addr);

} // namespace vmux
