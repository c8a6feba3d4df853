#include "hv/device_model.h"

#include "hv/partition.h"

uint64_t device_all_ones(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* What a PC answers where nothing decodes the address: reads float high,
 * writes vanish. Counted, so a guest probing for hardware shows up. */
static enum device_result bare_metal_access(struct vcpu *vcpu, void *state,
                                            struct device_access *access)
{
    (void)state;
    if (access->space == DEVICE_SPACE_MSR)
        return DEVICE_NO_MODEL;
    vcpu->partition->unowned_accesses++;
    if (!access->write)
        access->value = device_all_ones(access->size);
    return DEVICE_DONE;
}

const struct device_model device_bare_metal = {"bare metal", bare_metal_access};

const struct device_claim device_unclaimed = {0, UINT64_MAX, &device_bare_metal, 0};

void device_table_clear(struct device_table *table)
{
    *table = (struct device_table){0};
}

bool device_table_claim(struct device_table *table, enum device_space space, uint64_t first,
                        uint64_t count, const struct device_model *model, void *state)
{
    unsigned *used = &table->counts[space];

    if (!count || first + (count - 1) < first || *used == DEVICE_CLAIMS_PER_SPACE)
        return false;
    table->claims[space][(*used)++] =
        (struct device_claim){first, first + (count - 1), model, state};
    return true;
}
