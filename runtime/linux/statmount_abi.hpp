// statmount(2) (Linux 6.8) as ward asks it one question: is this mount in
// the caller's mount namespace? The constants and the request, shared by
// self_exe.cpp and early_entry.cpp (which runs before the C library and
// makes the call itself); the headers of older systems lack them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sys/syscall.h>

#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U // Linux 6.8: never reused while the system runs
#endif

namespace ward::linux::statmount_abi {

constexpr uint64_t kSbBasic = 0x1; // STATMOUNT_SB_BASIC: the cheapest answer

// struct mnt_id_req, version 0. The answer wanted is only whether the call
// finds the mount (ENOENT: not in the caller's namespace).
struct Request {
    uint32_t size = sizeof(Request);
    uint32_t spare = 0;
    uint64_t mnt_id = 0;
    uint64_t param = kSbBasic;
};

// Room for struct statmount's fixed part; no strings are asked for.
constexpr std::size_t kReplySize = 512;

} // namespace ward::linux::statmount_abi
