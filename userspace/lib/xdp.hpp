// SPDX-License-Identifier: GPL-2.0
//
// XDP programs for "link set DEV xdp ...", loaded as ip loads them: an
// ELF object through libbpf, or a program pinned in the BPF filesystem;
// and what "link show" says of an attached one (ip's bpf_dump_prog_info()).

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "attrs.hpp"

namespace vmux {

// A loaded program: its fd, valid while this lives (the kernel keeps an
// attached program on its own).
struct XdpProgram {
	int fd = -1;
	std::shared_ptr<const void> owner;	// the bpf_object, or the fd
};

// The program of section (if empty, "prog", as ip) of an ELF object; ifindex: for xdpoffload, the device it is loaded for.
// Throws std::runtime_error naming the file and libbpf's reason.
XdpProgram xdp_load_object(const std::string &file, std::string_view section, int ifindex,
			   bool verbose);
// A program pinned at path (BPF_OBJ_GET).
XdpProgram xdp_load_pinned(const std::string &path);

// IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS if any }: fd -1 detaches.
Bytes xdp_request_nest(int fd, std::uint32_t flags);

// What the kernel tells of a program by id, as far as the caller may ask
// (BPF_PROG_GET_FD_BY_ID needs CAP_SYS_ADMIN): nullopt otherwise.
struct BpfProgInfo {
	std::string name;
	std::string tag;	// hex
	bool jited = false;
	std::uint64_t load_time = 0;	// ns since boot
	std::uint32_t created_by_uid = 0;
	std::uint32_t btf_id = 0;
};
std::optional<BpfProgInfo> bpf_prog_info(std::uint32_t id);

} // namespace vmux
