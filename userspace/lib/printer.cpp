// SPDX-License-Identifier: GPL-2.0

#include "printer.hpp"

#include <iterator>

// The definitions behind fmt::vformat_to(), for append() below; see there.
#include <fmt/format.h>

namespace vmux {

void Printer::append(fmt::string_view format, fmt::format_args args)
{
	fmt::vformat_to(std::back_inserter(buf_), format, args);
}

void Printer::null(Out out, std::string_view key, std::string_view text)
{
	if (json_) {
		if (out != Out::text && sink_) {
			sink_->null(key);
		} else if (out != Out::text) {
			if (!key.empty())
				json_name(key);
			json_separator();
			buf_ += "null";
		}
	} else if (out != Out::json) {
		buf_ += text;
	}
}

std::string_view Printer::color_code(Color color) const
{
	// attr_colors_light[] and attr_colors_dark[] of iproute2's lib/color.c.
	static constexpr std::string_view light[] = {"", "\033[36m", "\033[33m", "\033[32m", "\033[31m"};
	static constexpr std::string_view dark[] = {"", "\033[1;36m", "\033[1;33m", "\033[1;32m",
						    "\033[1;31m"};

	return (color_ == 2 ? dark : light)[static_cast<int>(color)];
}

void Printer::text(std::string_view s)
{
	if (!json_)
		buf_ += s;
}

// The helpers below follow lib/json_writer.c of iproute2 step by step:
// the separator is written lazily before the next element, and pretty
// output breaks lines before member names and closing braces only.

void Printer::json_separator()
{
	if (sep_ != '\0')
		buf_ += sep_;
	sep_ = ',';
}

void Printer::json_eol()
{
	if (!pretty_)
		return;
	buf_ += '\n';
	buf_.append(4 * static_cast<std::size_t>(depth_), ' ');
}

void Printer::json_begin(char c)
{
	json_separator();
	buf_ += c;
	depth_++;
	sep_ = '\0';
}

void Printer::json_end(char c)
{
	depth_--;
	if (sep_ != '\0')
		json_eol();
	buf_ += c;
	sep_ = ',';
	// The end of the document, as jsonw_destroy() ends it.
	if (depth_ == 0)
		buf_ += '\n';
}

void Printer::json_name(std::string_view key)
{
	json_separator();
	json_eol();
	sep_ = '\0';
	json_string(key);
	buf_ += ':';
	if (pretty_)
		buf_ += ' ';
}

void Printer::json_string(std::string_view s)
{
	buf_ += '"';
	for (char c : s) {
		switch (c) {
		case '\t': buf_ += "\\t"; break;
		case '\n': buf_ += "\\n"; break;
		case '\r': buf_ += "\\r"; break;
		case '\f': buf_ += "\\f"; break;
		case '\b': buf_ += "\\b"; break;
		case '\\': buf_ += "\\\\"; break;
		case '"': buf_ += "\\\""; break;
		default:
			if (static_cast<unsigned char>(c) < 0x20)
				append("\\u{:04x}", fmt::make_format_args(c));
			else
				buf_ += c;
		}
	}
	buf_ += '"';
}

void Printer::open_object(std::string_view key)
{
	if (!json_)
		return;
	if (sink_) {
		sink_->open_object(key);
		return;
	}
	if (!key.empty())
		json_name(key);
	json_begin('{');
}

void Printer::close_object()
{
	if (sink_)
		sink_->close_object();
	else if (json_)
		json_end('}');
}

void Printer::open_array(std::string_view key, std::string_view text)
{
	if (!json_) {
		buf_ += text;
		return;
	}
	if (sink_) {
		sink_->open_array(key);
		return;
	}
	if (!key.empty())
		json_name(key);
	json_begin('[');
	if (pretty_)
		buf_ += ' ';
}

void Printer::close_array(std::string_view text)
{
	if (!json_) {
		buf_ += text;
		return;
	}
	if (sink_) {
		sink_->close_array();
		return;
	}
	if (pretty_ && sep_ != '\0')
		buf_ += ' ';
	sep_ = '\0';
	json_end(']');
}

} // namespace vmux
