// SPDX-License-Identifier: GPL-2.0
//
// Text and JSON from the same print calls, after iproute2's print_*():
// every call names the JSON key and the text format of one value, and the
// output mode picks one. The JSON layout is that of iproute2's json_writer
// (-p included), so `vmux -j` output diffs cleanly against `ip -j`.
//
// The printer only formats into a buffer; the caller decides where it goes.

#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace vmux {

enum class Out {
	any,	// PRINT_ANY: JSON member and text
	json,	// PRINT_JSON
	text,	// PRINT_FP
};

// Where a Printer's JSON goes instead of its own buffer: for the iproute2
// plugins, ip's JSON writer (its print_*() with PRINT_JSON). An empty key
// is an array element.
class JsonSink {
public:
	virtual void value(std::string_view key, std::int64_t v) = 0;
	virtual void value(std::string_view key, std::uint64_t v) = 0;
	virtual void value(std::string_view key, bool v) = 0;
	virtual void value(std::string_view key, std::string_view v) = 0;
	virtual void null(std::string_view key) = 0;
	virtual void open_object(std::string_view key) = 0;
	virtual void close_object() = 0;
	virtual void open_array(std::string_view key) = 0;
	virtual void close_array() = 0;

protected:
	~JsonSink() = default;
};

// iproute2's color attributes (lib/color.c), for text output.
enum class Color { none, ifname, mac, operstate_up, operstate_down };

class Printer {
public:
	explicit Printer(bool json, bool pretty = false) : json_(json), pretty_(pretty) {}
	// JSON into sink, which must outlive the printer.
	explicit Printer(JsonSink &sink) : json_(true), pretty_(false), sink_(&sink) {}

	bool json() const { return json_; }
	// ip -color: text values of a Color are wrapped in its escape codes;
	// dark: the bold palette, for a dark background (COLORFGBG).
	void enable_color(bool dark) { color_ = dark ? 2 : 1; }

	// One value: key is the JSON member name (empty inside an array), text
	// the fmt format of the text form. Integers are JSON numbers, bool is
	// true/false, anything else a string.
	template <typename T>
	void print(Out out, std::string_view key, fmt::format_string<T> text, T &&value)
	{
		if (json_) {
			if (out != Out::text)
				json_value(key, std::forward<T>(value));
		} else if (out != Out::json) {
			append(text, fmt::make_format_args(value));
		}
	}
	// print_color_string(): the same, coloured in text with -color.
	template <typename T>
	void print(Color color, Out out, std::string_view key, fmt::format_string<T> text, T &&value)
	{
		bool colored = !json_ && out != Out::json && color_ && color != Color::none;

		if (colored)
			buf_ += color_code(color);
		print(out, key, text, std::forward<T>(value));
		if (colored)
			buf_ += "\033[0m";
	}
	// A JSON null; its text form is the text format.
	void null(Out out, std::string_view key, std::string_view text);
	// Text only, e.g. separators: print_string(PRINT_FP, NULL, "%s", s).
	void text(std::string_view s);
	// End of a text line (print_nl()).
	void nl() { text("\n"); }

	// Containers are JSON only, except that an array may print text where
	// it opens and closes ("<" and "> " around link flags).
	void open_object(std::string_view key = {});
	void close_object();
	void open_array(std::string_view key, std::string_view text = {});
	void close_array(std::string_view text = {});

	// Hand over what was printed so far.
	std::string take() { return std::exchange(buf_, {}); }

private:
	template <typename T> void json_value(std::string_view key, T &&value)
	{
		using V = std::remove_cvref_t<T>;

		if (sink_) {
			if constexpr (std::same_as<V, bool>)
				sink_->value(key, value);
			else if constexpr (std::signed_integral<V>)
				sink_->value(key, static_cast<std::int64_t>(value));
			else if constexpr (std::unsigned_integral<V>)
				sink_->value(key, static_cast<std::uint64_t>(value));
			else
				sink_->value(key, std::string_view(value));
			return;
		}
		if (!key.empty())
			json_name(key);
		json_separator();
		if constexpr (std::same_as<std::remove_cvref_t<T>, bool>)
			buf_ += value ? "true" : "false";
		else if constexpr (std::integral<std::remove_cvref_t<T>>)
			append("{}", fmt::make_format_args(value));
		else
			json_string(std::string_view(value));
	}

	// Every formatted value goes through here, its arguments type-erased:
	// fmt's formatting engine (detail::vformat_to()) is compiled once, in
	// printer.cpp, not in every file that prints. libfmt has a copy, but
	// clang cannot link to it when gcc built libfmt: the two mangle its
	// name differently. Elsewhere, fmt::format() and <fmt/core.h> suffice.
	void append(fmt::string_view format, fmt::format_args args);

	std::string_view color_code(Color color) const;
	void json_name(std::string_view key);
	void json_string(std::string_view s);
	void json_separator();
	void json_eol();
	void json_begin(char c);
	void json_end(char c);

	std::string buf_;
	bool json_;
	bool pretty_;
	int depth_ = 0;
	int color_ = 0;		// 0 off, 1 light palette, 2 dark
	JsonSink *sink_ = nullptr;
	char sep_ = '\0';	// json_writer's pending separator
};

} // namespace vmux
