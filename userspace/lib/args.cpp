// SPDX-License-Identifier: GPL-2.0

#include "args.hpp"

#include <fmt/format.h>

namespace vmux {

bool valid_ifname(std::string_view name)
{
	// IFNAMSIZ, with the terminating NUL.
	constexpr std::size_t ifnamsiz = 16;

	return !name.empty() && name.size() < ifnamsiz && name != "." && name != ".." &&
	       name.find_first_of("/ \t\n\v\f\r") == std::string_view::npos;
}

void check_ifname(std::string_view keyword, std::string_view name)
{
	if (!valid_ifname(name))
		throw invalid_arg(name, fmt::format("\"{}\" not a valid ifname", keyword));
}

void take_dev(std::string &dev, std::string_view word, Args &args)
{
	if (word == "dev")
		word = args.next();
	if (!dev.empty())
		throw garbage_arg("dev", word);
	check_ifname("dev", word);
	dev = word;
}

std::string_view Args::next()
{
	if (empty())
		throw incomplete_command();
	return words_[pos_++];
}

// "a", "b" or "c": how iproute2 lists the accepted values in its errors.
std::string quoted_list(std::span<const std::string_view> names, std::string_view last_sep)
{
	std::string out;

	for (std::size_t i = 0; i < names.size(); i++) {
		if (i)
			out += i + 1 == names.size() ? last_sep : ", ";
		out += fmt::format("\"{}\"", names[i]);
	}
	return out;
}

std::optional<Bytes> parse_lladdr(std::string_view word)
{
	// MAX_ADDR_LEN: the longest hardware address the kernel accepts.
	constexpr std::size_t max_len = 32;
	Bytes addr;

	while (true) {
		std::size_t colon = word.find(':');
		std::string_view byte = word.substr(0, colon);
		unsigned int value;

		auto [end, ec] = std::from_chars(byte.data(), byte.data() + byte.size(), value, 16);
		if (byte.empty() || byte.size() > 2 || ec != std::errc() ||
		    end != byte.data() + byte.size() || addr.size() == max_len)
			return std::nullopt;
		addr.push_back(static_cast<std::uint8_t>(value));
		if (colon == std::string_view::npos)
			return addr;
		word.remove_prefix(colon + 1);
	}
}

std::string format_lladdr(ByteView addr)
{
	return fmt::format("{:02x}", fmt::join(addr, ":"));
}

} // namespace vmux
