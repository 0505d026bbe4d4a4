// The prepared-statement cache (see statement_cache.h).
#include "platform/statement_cache.h"

namespace gk {

CachedStatement::CachedStatement(CachedStatement&& o) noexcept
    : owned_(std::move(o.owned_)), stmt_(o.stmt_), in_use_(o.in_use_), error_(std::move(o.error_)) {
    o.stmt_ = nullptr;
    o.in_use_ = nullptr;
}

CachedStatement::~CachedStatement() {
    if (stmt_ == nullptr) return;
    // Reset repeats the last step's error, which the holder has already seen and handled.
    (void)stmt_->Reset();
    if (in_use_ != nullptr) *in_use_ = false;
}

Result<StatementCache::Entry*> StatementCache::Find(std::string_view sql) {
    auto it = entries_.find(sql);
    if (it == entries_.end()) {
        auto prepared = db_.Prepare(sql);
        if (!prepared) return prepared.error();
        it = entries_.emplace(std::string(sql), Entry{std::move(*prepared)}).first;
    }
    return &it->second;
}

CachedStatement StatementCache::Borrow(std::string_view sql) {
    auto entry = Find(sql);
    if (!entry) return CachedStatement(entry.error());
    if ((*entry)->in_use) {
        auto one_off = db_.Prepare(sql);
        if (!one_off) return CachedStatement(one_off.error());
        return CachedStatement(std::move(*one_off));
    }
    (*entry)->in_use = true;
    return CachedStatement(&(*entry)->statement, &(*entry)->in_use);
}

Result<Statement*> StatementCache::Prepared(std::string_view sql) {
    auto entry = Find(sql);
    if (!entry) return entry.error();
    return &(*entry)->statement;
}

}  // namespace gk
