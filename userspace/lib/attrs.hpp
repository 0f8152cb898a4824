// SPDX-License-Identifier: GPL-2.0
//
// A set of netlink attributes, independent of any socket or message: what
// the option tables fill from the command line and read back from a dump.
// Encoding is deterministic (ascending type), so the bytes of a request
// depend on the command line only.

#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace vmux {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

template <typename T>
concept Plain = std::is_trivially_copyable_v<T>;

template <Plain T> ByteView bytes_of(const T &value)
{
	return {reinterpret_cast<const std::uint8_t *>(&value), sizeof(value)};
}

// Append one attribute (header, payload, padding) to an encoded stream.
void append_attr(Bytes &out, std::uint16_t type, ByteView payload);

// Call fn(type, payload) for every well-formed attribute of an encoded
// stream; type has NLA_F_NESTED/NLA_F_NET_BYTEORDER masked off. A truncated
// tail is ignored, like the kernel's nla_for_each_attr().
template <typename Fn> void for_each_attr(ByteView stream, Fn &&fn);

class Attrs {
public:
	struct Attr {
		Bytes payload;
		bool nested = false;	// NLA_F_NESTED on the wire
		bool operator==(const Attr &) const = default;
	};

	void put(std::uint16_t type, ByteView payload) { attrs_[type] = {{payload.begin(), payload.end()}}; }
	template <Plain T> void put_value(std::uint16_t type, const T &value) { put(type, bytes_of(value)); }
	// A nest whose body is an encoded attribute stream (see append_attr()).
	void put_nested(std::uint16_t type, Bytes body) { attrs_[type] = {std::move(body), true}; }

	// other's attribute of that type, nested or not, if it has one.
	void copy(const Attrs &other, std::uint16_t type);

	bool has(std::uint16_t type) const { return attrs_.contains(type); }
	bool empty() const { return attrs_.empty(); }
	const Bytes *find(std::uint16_t type) const;
	// The value of a fixed-size attribute; nullopt when absent or too short.
	template <Plain T> std::optional<T> get(std::uint16_t type) const;
	// A NUL-terminated string attribute.
	std::optional<std::string> get_string(std::uint16_t type) const;

	Bytes encode() const;
	// Later duplicates win, as in nla_parse().
	static Attrs decode(ByteView stream);

	auto begin() const { return attrs_.begin(); }
	auto end() const { return attrs_.end(); }
	bool operator==(const Attrs &) const = default;

private:
	std::map<std::uint16_t, Attr> attrs_;
};

template <Plain T> std::optional<T> Attrs::get(std::uint16_t type) const
{
	const Bytes *payload = find(type);

	if (!payload || payload->size() < sizeof(T))
		return std::nullopt;
	T value;
	std::memcpy(&value, payload->data(), sizeof(T));
	return value;
}

struct AttrHeader {
	std::uint16_t len;
	std::uint16_t type;
};

constexpr std::size_t attr_align(std::size_t len) { return (len + 3) & ~std::size_t{3}; }
constexpr std::uint16_t kAttrTypeMask = 0x3fff;	// NLA_TYPE_MASK
constexpr std::uint16_t kAttrNested = 0x8000;	// NLA_F_NESTED

// fn(type, payload) with the raw type, flags included.
template <typename Fn> void for_each_raw_attr(ByteView stream, Fn &&fn)
{
	while (stream.size() >= sizeof(AttrHeader)) {
		AttrHeader hdr;

		std::memcpy(&hdr, stream.data(), sizeof(hdr));
		if (hdr.len < sizeof(hdr) || hdr.len > stream.size())
			return;
		fn(hdr.type, stream.subspan(sizeof(hdr), hdr.len - sizeof(hdr)));
		stream = stream.subspan(std::min(attr_align(hdr.len), stream.size()));
	}
}

template <typename Fn> void for_each_attr(ByteView stream, Fn &&fn)
{
	for_each_raw_attr(stream, [&](std::uint16_t type, ByteView payload) {
		fn(static_cast<std::uint16_t>(type & kAttrTypeMask), payload);
	});
}

} // namespace vmux
