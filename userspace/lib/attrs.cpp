// SPDX-License-Identifier: GPL-2.0

#include "attrs.hpp"

#include <stdexcept>

namespace vmux {

static void append_header(Bytes &out, std::uint16_t type, std::size_t payload_len)
{
	std::size_t len = sizeof(AttrHeader) + payload_len;

	if (len > UINT16_MAX)
		throw std::length_error("netlink attribute too long");
	const AttrHeader hdr{static_cast<std::uint16_t>(len), type};
	const ByteView raw = bytes_of(hdr);

	out.insert(out.end(), raw.begin(), raw.end());
}

static void pad(Bytes &out)
{
	out.resize(attr_align(out.size()), 0);
}

void append_attr(Bytes &out, std::uint16_t type, ByteView payload)
{
	append_header(out, type, payload.size());
	out.insert(out.end(), payload.begin(), payload.end());
	pad(out);
}

const Bytes *Attrs::find(std::uint16_t type) const
{
	auto it = attrs_.find(type);

	return it == attrs_.end() ? nullptr : &it->second.payload;
}

void Attrs::copy(const Attrs &other, std::uint16_t type)
{
	if (auto it = other.attrs_.find(type); it != other.attrs_.end())
		attrs_[type] = it->second;
}

std::optional<std::string> Attrs::get_string(std::uint16_t type) const
{
	const Bytes *payload = find(type);

	if (!payload)
		return std::nullopt;
	auto nul = std::find(payload->begin(), payload->end(), 0);
	return std::string(payload->begin(), nul);
}

Bytes Attrs::encode() const
{
	Bytes out;

	for (const auto &[type, attr] : attrs_)
		append_attr(out, attr.nested ? type | kAttrNested : type, attr.payload);
	return out;
}

Attrs Attrs::decode(ByteView stream)
{
	Attrs attrs;

	for_each_raw_attr(stream, [&](std::uint16_t type, ByteView payload) {
		attrs.attrs_[type & kAttrTypeMask] = {{payload.begin(), payload.end()},
						     (type & kAttrNested) != 0};
	});
	return attrs;
}

} // namespace vmux
