// A bundle config made from a store image (`ward bundle create --image`,
// `ward run --image`), following the image spec's conversion.md:
//
//   process.args  Entrypoint + Cmd (a command given replaces Cmd and keeps
//                 Entrypoint, as `podman create IMAGE CMD`); both empty: error
//   process.env   Config.Env, plus PATH (runc's/podman's default) and HOME
//                 (from the user's passwd entry, else "/") when it lacks them
//   process.cwd   Config.WorkingDir, else "/"
//   process.user  Config.User resolved against the image (image_user.hpp)
//   root          the store entry's rootfs, absolute, readonly: true. A store
//                 rootfs is shared by every container of the image and is
//                 what the per-file record and the signature vouch for: it
//                 must never be written, so it is never made writable.
//                 With RootUse::writable (--writable), readonly: false:
//                 create then gives the container an overlay whose lower
//                 layer is that rootfs and whose upper layer lives in the
//                 container's state dir (container/writable_root.hpp).
//   annotations   dev.ward.image.digest (manifest) and dev.ward.image.name,
//                 which create checks against the store; os, architecture,
//                 created, author, stopSignal as org.opencontainers.image.*;
//                 of Config.Labels only the org.opencontainers.image.* keys
//                 (descriptive by definition: title, version, source...).
//                 Other labels are not copied: an image's labels are its
//                 author's, and annotations steer runtimes and hooks
//                 (runc's org.systemd.property.*, crun's run.oci.*).
//
// Everything else is `ward spec`'s default (no capabilities,
// noNewPrivileges, the standard mounts and namespaces). The policy is not
// applied here: create applies it when the container starts, and records
// what it filled (`ward policy show ID`), so the bundle stays valid when
// the policy changes.
#pragma once

#include "ward/spec/config.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/image_user.hpp"
#include "ward/trust/oci.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::trust {

class Store;

struct ImageBundleSource {
    std::string name;   // the full image name ("localhost/demo:latest")
    Digest manifest;    // the store entry's key
    std::string rootfs; // absolute path of the store entry's rootfs
    ImageConfig config;
    ImageUser user; // resolved from config.user (resolve_image_user)
};

// The pure conversion. `command`, when given (non-empty), replaces Cmd.
// Throws Error naming the image: `image localhost/x:1 has no Entrypoint or
// Cmd; give a command`, or a config field it cannot carry over
// (`config.Env[2]: "FOO" is not NAME=VALUE`, `config.WorkingDir: "app" is
// not absolute`).
spec::Spec image_spec(const ImageBundleSource& source, const std::vector<std::string>& command);

// Mount destinations of `spec` that would have to be created in the rootfs:
// those not under another mount of the config (/dev/pts is made inside the
// /dev tmpfs) and not present in it as a directory reached without a
// symlink. create would mkdir them through its rootfs bind (read-write until
// the final remount), i.e. write into the shared store; callers refuse.
std::vector<std::string> missing_mount_points(const spec::Spec& spec, const std::string& rootfs);

// What the container does with the store rootfs: shares it read-only (the
// default), or writes to an overlay on it (--writable).
enum class RootUse { shared, writable };

// Looks `ref` up in the store (a full name, sha256:<hex> or a unique hex
// prefix), reads the entry's verified config.json and the rootfs's account
// files, converts, and refuses an image lacking a mount point the config
// needs (only when shared: a writable root's overlay takes new
// directories in its upper layer). Errors: `image "x": not in the store
// STORE`, `image NAME: ...`.
spec::Spec image_bundle_spec(const Store& store, const std::string& ref,
                             const std::vector<std::string>& command,
                             RootUse root = RootUse::shared);

// Writes `spec` to DIR/config.json (0644, atomically). DIR must be missing
// (it is then created 0755) or an empty directory: a bundle is never
// written over another one.
void write_bundle_config(const std::string& dir, const spec::Spec& spec);

} // namespace ward::trust
