// SPDX-License-Identifier: GPL-2.0
//
// Test helpers: raw netlink encoding written independently of libvmux, so
// golden bytes and recorded messages do not test the code with itself.

#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "args.hpp"
#include "attrs.hpp"

namespace test {

using vmux::Bytes;

// le16/le32/le64: little-endian fields, as on x86 (the tests pin the host
// order of the golden bytes; a big-endian host would need other goldens).
inline Bytes le16(std::uint16_t v) { return {std::uint8_t(v), std::uint8_t(v >> 8)}; }
inline Bytes le32(std::uint32_t v)
{
	return {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)};
}
inline Bytes le64(std::uint64_t v)
{
	Bytes out = le32(std::uint32_t(v));
	Bytes hi = le32(std::uint32_t(v >> 32));
	out.insert(out.end(), hi.begin(), hi.end());
	return out;
}
inline Bytes str(std::string_view s)
{
	Bytes out(s.begin(), s.end());
	out.push_back(0);
	return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

// One attribute: header, payload, padding to 4.
inline Bytes nla(std::uint16_t type, const Bytes &payload)
{
	Bytes out = cat({le16(std::uint16_t(4 + payload.size())), le16(type), payload});
	out.resize((out.size() + 3) & ~std::size_t{3}, 0);
	return out;
}

// A message: nlmsghdr (seq, pid 0) + body.
inline Bytes nlmsg(std::uint16_t type, std::uint16_t flags, const Bytes &body)
{
	return cat({le32(std::uint32_t(16 + body.size())), le16(type), le16(flags), le32(0), le32(0),
		    body});
}

// struct ifinfomsg
inline Bytes ifinfo(std::int32_t index, std::uint16_t type = 0, std::uint32_t flags = 0,
		    std::uint32_t change = 0)
{
	return cat({{0, 0}, le16(type), le32(std::uint32_t(index)), le32(flags), le32(change)});
}

// Words of a command line.
struct Line {
	explicit Line(std::initializer_list<std::string_view> ws) : words(ws.begin(), ws.end()) {}
	std::vector<std::string> words;
	vmux::Args args() const { return vmux::Args(words); }
};

inline std::string hex(const Bytes &b)
{
	std::string out;
	for (std::size_t i = 0; i < b.size(); i++) {
		static const char digits[] = "0123456789abcdef";
		if (i && i % 16 == 0)
			out += '\n';
		else if (i)
			out += ' ';
		out += digits[b[i] >> 4];
		out += digits[b[i] & 15];
	}
	return out;
}

} // namespace test
