// SPDX-License-Identifier: GPL-2.0

#include "request.hpp"

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>

namespace nlfuzz {

namespace {

template <typename T> Bytes bytes_of(const T &v)
{
	Bytes b(sizeof(v));
	std::memcpy(b.data(), &v, sizeof(v));
	return b;
}

std::size_t attr_size(const Attr &a)
{
	std::size_t body = 0;

	if (a.nest)
		for (const Attr &c : a.children)
			body += attr_size(c);
	else
		body = a.payload.size();
	return MNL_ALIGN(MNL_ATTR_HDRLEN + body);
}

// Lays @a out at the tail of @nlh; returns its offset in the message.
std::size_t put(nlmsghdr *nlh, const Attr &a)
{
	auto *base = reinterpret_cast<std::uint8_t *>(nlh);
	nlattr *at;

	if (a.nest) {
		if (attr_size(a) > 0xffff)
			throw std::length_error("nest too long");
		at = mnl_attr_nest_start(nlh, a.type);
		at->nla_type = a.type;	// libmnl always sets NLA_F_NESTED
		for (const Attr &c : a.children)
			put(nlh, c);
		mnl_attr_nest_end(nlh, at);
	} else {
		if (a.payload.size() > 0xffff - MNL_ATTR_HDRLEN)
			throw std::length_error("attribute payload too long");
		at = static_cast<nlattr *>(mnl_nlmsg_get_payload_tail(nlh));
		mnl_attr_put(nlh, a.type, a.payload.size(), a.payload.data());
	}
	if (a.len_lie)
		at->nla_len = *a.len_lie;
	return reinterpret_cast<std::uint8_t *>(at) - base;
}

} // namespace

Attr *Attr::find(std::uint16_t k)
{
	for (Attr &c : children)
		if (c.kind() == k)
			return &c;
	return nullptr;
}

const Attr *Attr::find(std::uint16_t k) const
{
	return const_cast<Attr *>(this)->find(k);
}

Attr Attr::raw(std::uint16_t type, Bytes payload)
{
	Attr a;

	a.type = type;
	a.payload = std::move(payload);
	return a;
}

Attr Attr::u8(std::uint16_t type, std::uint8_t v)
{
	return raw(type, Bytes{v});
}

Attr Attr::u16(std::uint16_t type, std::uint16_t v)
{
	return raw(type, bytes_of(v));
}

Attr Attr::be16(std::uint16_t type, std::uint16_t v)
{
	return raw(type, Bytes{std::uint8_t(v >> 8), std::uint8_t(v)});
}

Attr Attr::u32(std::uint16_t type, std::uint32_t v)
{
	return raw(type, bytes_of(v));
}

Attr Attr::str(std::uint16_t type, std::string_view s)
{
	Bytes b(s.begin(), s.end());

	b.push_back(0);
	return raw(type, std::move(b));
}

Attr Attr::pair32(std::uint16_t type, std::uint32_t x, std::uint32_t y)
{
	Bytes b = bytes_of(x);
	Bytes yb = bytes_of(y);

	b.insert(b.end(), yb.begin(), yb.end());
	return raw(type, std::move(b));
}

Attr Attr::nested(std::uint16_t type, std::vector<Attr> children)
{
	Attr a;

	a.type = type | NLA_F_NESTED;
	a.nest = true;
	a.children = std::move(children);
	return a;
}

Attr *Request::find(std::uint16_t k)
{
	for (Attr &a : attrs)
		if (a.kind() == k)
			return &a;
	return nullptr;
}

const Attr *Request::find(std::uint16_t k) const
{
	return const_cast<Request *>(this)->find(k);
}

Attr &Request::linkinfo()
{
	if (Attr *li = find(IFLA_LINKINFO); li && li->nest)
		return *li;
	attrs.push_back(Attr::nested(IFLA_LINKINFO, {}));
	return attrs.back();
}

Attr *Request::info_data()
{
	Attr *li = find(IFLA_LINKINFO);

	if (!li || !li->nest)
		return nullptr;
	Attr *d = li->find(IFLA_INFO_DATA);
	return d && d->nest ? d : nullptr;
}

void Request::set(Attr a)
{
	if (Attr *old = find(a.kind()))
		*old = std::move(a);
	else
		attrs.push_back(std::move(a));
}

Encoded Request::encode(std::uint32_t seq) const
{
	std::size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifinfomsg));
	Encoded out;

	for (const Attr &a : attrs)
		size += attr_size(a);
	out.bytes.assign(size, 0);

	nlmsghdr *nlh = mnl_nlmsg_put_header(out.bytes.data());
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags | NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	auto *ifm = static_cast<ifinfomsg *>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
	*ifm = ifi;
	for (const Attr &a : attrs) {
		std::size_t off = put(nlh, a);
		std::size_t end = off + attr_size(a);

		if (a.kind() == IFLA_IFNAME || end <= off + MNL_ATTR_HDRLEN)
			continue;
		off += MNL_ATTR_HDRLEN;
		// Not IFLA_INFO_KIND: an unknown kind costs a request_module().
		if (a.kind() == IFLA_LINKINFO && a.nest) {
			std::size_t span = off;

			for (const Attr &c : a.children) {
				std::size_t cend = off + attr_size(c);

				if (c.kind() == IFLA_INFO_KIND) {
					if (off > span)
						out.flippable.emplace_back(span, off);
					span = cend;
				}
				off = cend;
			}
			off = span;
		}
		if (end > off)
			out.flippable.emplace_back(off, end);
	}
	out.bytes.resize(nlh->nlmsg_len);
	return out;
}

Request make_create(std::string_view kind, std::string_view name, int lower,
		    std::vector<Attr> data)
{
	Request r;

	r.flags = NLM_F_CREATE | NLM_F_EXCL;
	if (!name.empty())
		r.attrs.push_back(Attr::str(IFLA_IFNAME, name));
	if (lower >= 0)
		r.attrs.push_back(Attr::u32(IFLA_LINK, std::uint32_t(lower)));
	r.attrs.push_back(Attr::nested(IFLA_LINKINFO, {Attr::str(IFLA_INFO_KIND, kind),
						       Attr::nested(IFLA_INFO_DATA, std::move(data))}));
	return r;
}

Request make_change(std::string_view kind, int ifindex, std::vector<Attr> data)
{
	Request r;

	r.ifi.ifi_index = ifindex;
	r.attrs.push_back(Attr::nested(IFLA_LINKINFO, {Attr::str(IFLA_INFO_KIND, kind),
						       Attr::nested(IFLA_INFO_DATA, std::move(data))}));
	return r;
}

Request make_del(int ifindex)
{
	Request r;

	r.type = RTM_DELLINK;
	r.ifi.ifi_index = ifindex;
	return r;
}

std::string hex(ByteSpan b)
{
	std::string s;

	s.reserve(b.size() * 2);
	for (std::uint8_t c : b)
		s += fmt::format("{:02x}", c);
	return s;
}

Bytes mac_bytes(std::string_view text)
{
	Bytes b;
	unsigned v;

	for (std::size_t i = 0; i < text.size(); i += 3) {
		if (std::sscanf(std::string(text.substr(i, 2)).c_str(), "%x", &v) != 1)
			throw std::invalid_argument(fmt::format("bad MAC {}", text));
		b.push_back(std::uint8_t(v));
	}
	return b;
}

} // namespace nlfuzz
