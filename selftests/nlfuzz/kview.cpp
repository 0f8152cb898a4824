// SPDX-License-Identifier: GPL-2.0

#include "kview.hpp"

#include <cctype>
#include <cstring>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <net/if.h>

namespace nlfuzz {

std::optional<std::uint32_t> KAttr::u32() const
{
	std::uint32_t v;

	if (data.size() < sizeof(v))
		return std::nullopt;
	std::memcpy(&v, data.data(), sizeof(v));
	return v;
}

std::string KAttr::str() const
{
	std::string s(data.begin(), data.end());

	return s.substr(0, s.find('\0'));
}

std::vector<KAttr> walk(ByteSpan b)
{
	std::vector<KAttr> out;
	std::size_t off = 0;

	while (b.size() - off >= MNL_ATTR_HDRLEN) {
		nlattr h;

		std::memcpy(&h, b.data() + off, sizeof(h));
		if (h.nla_len < MNL_ATTR_HDRLEN || h.nla_len > b.size() - off)
			break;
		out.push_back({std::uint16_t(h.nla_type & NLA_TYPE_MASK),
			       b.subspan(off + MNL_ATTR_HDRLEN, h.nla_len - MNL_ATTR_HDRLEN)});
		off += MNL_ALIGN(h.nla_len);
		if (off > b.size())
			break;
	}
	return out;
}

const KAttr *KView::get(std::uint16_t t) const
{
	auto it = tb.find(t);

	return it == tb.end() ? nullptr : &it->second;
}

const KAttr *KView::info_get(std::uint16_t t) const
{
	auto it = info.find(t);

	return it == info.end() ? nullptr : &it->second;
}

std::optional<std::string> KView::ifname() const
{
	const KAttr *a = get(IFLA_IFNAME);

	if (!a)
		return std::nullopt;
	return a->str().substr(0, IFNAMSIZ - 1);
}

KView kernel_view(ByteSpan msg)
{
	KView v;
	nlmsghdr h;

	if (msg.size() < MNL_NLMSG_HDRLEN + sizeof(ifinfomsg))
		return v;
	std::memcpy(&h, msg.data(), sizeof(h));
	v.nlflags = h.nlmsg_flags;
	std::memcpy(&v.ifi, msg.data() + MNL_NLMSG_HDRLEN, sizeof(v.ifi));
	std::size_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(ifinfomsg));
	for (const KAttr &a : walk(msg.subspan(start, h.nlmsg_len - start)))
		if (a.type)
			v.tb.insert_or_assign(a.type, a);

	const KAttr *li = v.get(IFLA_LINKINFO);
	if (!li)
		return v;
	v.has_linkinfo = true;
	for (const KAttr &a : walk(li->data)) {
		switch (a.type) {
		case IFLA_INFO_KIND:
		case IFLA_INFO_SLAVE_KIND:
			if (a.data.empty())
				v.linkinfo_ok = false;
			break;
		case IFLA_INFO_DATA:
		case IFLA_INFO_SLAVE_DATA:
			if (!a.data.empty() && a.data.size() < MNL_ATTR_HDRLEN)
				v.linkinfo_ok = false;
			break;
		}
		// The parse stops at the first failure: nothing after it counts.
		if (!v.linkinfo_ok)
			break;
		if (a.type && a.type <= IFLA_INFO_SLAVE_DATA)
			v.info.insert_or_assign(a.type, a);
	}
	if (const KAttr *k = v.info_get(IFLA_INFO_KIND))
		v.kind = k->str().substr(0, 55);	// MODULE_NAME_LEN - 1
	return v;
}

bool valid_new_name(const std::string &name)
{
	if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..")
		return false;
	for (char c : name)
		if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)))
			return false;
	// A format: exactly one %d (__dev_alloc_name).
	auto p = name.find('%');
	if (p != std::string::npos &&
	    (p + 1 >= name.size() || name[p + 1] != 'd' || name.find('%', p + 2) != std::string::npos))
		return false;
	return true;
}

} // namespace nlfuzz
