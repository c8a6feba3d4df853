/*
 * The table of dom0's device models and what every model shares: the
 * lookup of a request by kind and range, the per-partition states, and
 * reporting each change of a model's interrupt line to the partition's
 * PIC before the vCPU resumes, so an edge is never lost.
 */
#include "guests/dom0/models.h"

#include "guests/dom0/ide_models.h"
#include "guests/dom0/uart_models.h"
#include "guests/dom0/virtio_models.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

static const struct dom0_model *const models[] = {
    &uart_com1_model,
    &uart_mmio_model,
    &ide_command_model,
    &ide_control_model,
    &ide_function_model,
    &virtio_function_model,
    &virtio_registers_model,
    &virtio_notify_model,
    &virtio_msix_model,
    &virtio_console_function_model,
    &virtio_console_registers_model,
    &virtio_console_notify_model,
    &virtio_console_msix_model,
};

#define MODEL_COUNT (sizeof(models) / sizeof(models[0]))

/* The level each line last had at the partition's interrupt controllers,
 * by partition id: models on one line share their state (the IDE
 * controller's blocks), so any of them may report its change. */
static bool reported_lines[HC_IRQ_LINES][MODEL_MAX_PARTITION + 1];

static uint32_t claim_flags(const struct dom0_model *model, unsigned offset)
{
    return offset < 32 && (model->posted_writes >> offset & 1) ? HC_IOREQ_POSTED_WRITES : 0;
}

/* One claim per run of ports whose writes are posted alike. */
static bool claim_ports(const struct dom0_model *model)
{
    unsigned first = 0;

    for (unsigned offset = 1; offset <= model->claim_length; offset++) {
        if (offset < model->claim_length && claim_flags(model, offset) == claim_flags(model, first))
            continue;
        if (hc_ioreq_claim((uint16_t)(model->base + first), offset - first,
                           claim_flags(model, first)) != 0)
            return false;
        first = offset;
    }
    return true;
}

bool models_claim(void)
{
    for (unsigned m = 0; m < MODEL_COUNT; m++) {
        const struct dom0_model *model = models[m];
        bool claimed = true;
        if (model->kind == HC_IOREQ_PORT)
            claimed = claim_ports(model);
        else if (model->kind == HC_IOREQ_MMIO)
            claimed = hc_ioreq_claim_mmio(model->base, model->claim_length,
                                          model->posted_writes ? HC_IOREQ_POSTED_WRITES : 0) == 0;
        if (!claimed)
            return false;
    }
    return true;
}

void *model_state(const struct dom0_model *model, uint32_t partition_id)
{
    return (char *)model->states + partition_id * model->state_size;
}

void models_reset(void)
{
    for (unsigned m = 0; m < MODEL_COUNT; m++) {
        for (uint32_t id = 0; id <= MODEL_MAX_PARTITION; id++)
            models[m]->reset(model_state(models[m], id));
    }
    memset(reported_lines, 0, sizeof(reported_lines));
}

static uint64_t request_address(const struct hc_ioreq *r)
{
    return r->kind == HC_IOREQ_PORT ? r->port : r->address;
}

/* The index of the model a request reaches, with the register offset; -1
 * for a request that makes no sense. */
static int model_of(const struct hc_ioreq *r, unsigned *offset)
{
    if (r->partition_id < 1 || r->partition_id > MODEL_MAX_PARTITION ||
        !(r->size == 1 || r->size == 2 || r->size == 4))
        return -1;
    uint64_t address = request_address(r);
    for (unsigned m = 0; m < MODEL_COUNT; m++) {
        const struct dom0_model *model = models[m];
        if (r->kind == model->kind && address >= model->base &&
            address - model->base < model->registers) {
            *offset = (unsigned)(address - model->base);
            return (int)m;
        }
    }
    return -1;
}

static void report_line(unsigned m, uint32_t partition_id)
{
    const struct dom0_model *model = models[m];
    bool line = model->interrupt_line(model_state(model, partition_id));
    bool *reported = &reported_lines[model->irq % HC_IRQ_LINES][partition_id];

    if (line != *reported && hc_irq_line(partition_id, model->irq, line) == 0)
        *reported = line;
}

void model_state_changed(const struct dom0_model *model, uint32_t partition_id)
{
    for (unsigned m = 0; m < MODEL_COUNT; m++) {
        if (models[m] == model)
            report_line(m, partition_id);
    }
}

static uint32_t element_at(const uint8_t *bytes, unsigned size)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < size; i++)
        value |= (uint32_t)bytes[i] << (8 * i);
    return value;
}

static void store_element(uint8_t *bytes, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++)
        bytes[i] = (uint8_t)(value >> (8 * i));
}

/* A block of a REP INS/OUTS: every element reaches the model in turn, and
 * their bytes cross between the partition's RAM and dom0 in one copy. */
static bool serve_block(const struct dom0_model *model, void *state, const struct hc_ioreq *r,
                        unsigned offset)
{
    static uint8_t bytes[HC_IOREQ_COPY_MAX];
    uint64_t length = (uint64_t)r->count * r->size;

    if (r->kind != HC_IOREQ_PORT || length > sizeof(bytes))
        return false;
    if (r->write && hc_ioreq_copy(r->partition_id, r->address, bytes, length, 0) != 0)
        return false;
    for (uint32_t i = 0; i < r->count; i++) {
        uint8_t *element = bytes + i * r->size;
        if (r->write)
            model->write(state, r->partition_id, offset, element_at(element, r->size), r->size);
        else
            store_element(element, r->size, model->read(state, offset, r->size));
    }
    return r->write || hc_ioreq_copy(r->partition_id, r->address, bytes, length,
                                     HC_IOREQ_COPY_TO_PARTITION) == 0;
}

bool models_serve(const struct hc_ioreq *r, uint32_t *value)
{
    unsigned offset;
    int m = model_of(r, &offset);

    if (m < 0)
        return false;
    const struct dom0_model *model = models[m];
    void *state = model_state(model, r->partition_id);
    bool served = true;
    *value = 0;
    if (r->count)
        served = serve_block(model, state, r, offset);
    else if (r->write)
        model->write(state, r->partition_id, offset, r->data, r->size);
    else
        *value = model->read(state, offset, r->size);
    report_line((unsigned)m, r->partition_id);
    return served;
}
