// ScopeGuard: runs an undo action on scope exit unless dismissed. Every
// privileged step in create registers its undo here, so a failure at any
// later step unwinds what was done.
#pragma once

#include "ward/base/log.hpp"

#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ward {

class ScopeGuard {
  public:
    explicit ScopeGuard(std::function<void()> undo) : undo_(std::move(undo)) {}
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;
    ~ScopeGuard() {
        if (undo_)
            try {
                undo_();
            } catch (...) {
            }
    }
    void dismiss() { undo_ = nullptr; }

  private:
    std::function<void()> undo_;
};

// A stack of undo actions, run in reverse order unless committed.
class UndoStack {
  public:
    UndoStack() = default;
    UndoStack(const UndoStack&) = delete;
    UndoStack& operator=(const UndoStack&) = delete;
    ~UndoStack() { rollback(); }

    void push(std::function<void()> undo) { undos_.push_back(std::move(undo)); }
    void commit() { undos_.clear(); }
    void rollback() {
        while (!undos_.empty()) {
            auto undo = std::move(undos_.back());
            undos_.pop_back();
            try {
                undo();
            } catch (const std::exception& e) {
                // The original error is what the caller reports; a failed
                // undo step must still be visible to the operator.
                log::warn(std::string("cleanup after failure: ") + e.what());
            } catch (...) {
            }
        }
    }

  private:
    std::vector<std::function<void()>> undos_;
};

} // namespace ward
