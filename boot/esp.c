#include "boot/esp.h"

#include <efilib.h>

#include "boot/pages.h"

#define DEFAULT_DIR             L"\\EFI\\BOOT\\"
#define DEVICE_PATH_HEADER_SIZE 4

static BOOLEAN append_char(CHAR16 *path, UINTN *length, CHAR16 c)
{
    if (c == L'/')
        c = L'\\';
    /* "\EFI\" + "\BOOT" must not become "\EFI\\BOOT". */
    if (c == L'\\' && *length > 0 && path[*length - 1] == L'\\')
        return TRUE;
    if (*length + 1 >= ESP_PATH_LEN)
        return FALSE;
    path[(*length)++] = c;
    path[*length] = 0;
    return TRUE;
}

/* A file path node's name; read bytewise because device path nodes may be unaligned. */
static BOOLEAN append_file_path_node(const EFI_DEVICE_PATH *node, CHAR16 *path, UINTN *length)
{
    const UINT8 *name = (const UINT8 *)node + DEVICE_PATH_HEADER_SIZE;
    UINTN chars = (DevicePathNodeLength(node) - DEVICE_PATH_HEADER_SIZE) / sizeof(CHAR16);

    if (*length > 0 && !append_char(path, length, L'\\'))
        return FALSE;
    for (UINTN i = 0; i < chars; i++) {
        CHAR16 c = (CHAR16)(name[2 * i] | name[2 * i + 1] << 8);
        if (c == 0)
            break;
        if (!append_char(path, length, c))
            return FALSE;
    }
    return TRUE;
}

/* The file path part of a device path, which firmware may split over several nodes. */
static BOOLEAN file_path_of(EFI_DEVICE_PATH *node, CHAR16 *path)
{
    UINTN length = 0;

    path[0] = 0;
    for (; node && !IsDevicePathEnd(node); node = NextDevicePathNode(node)) {
        if (DevicePathNodeLength(node) < DEVICE_PATH_HEADER_SIZE)
            return FALSE; /* malformed; following it would never end */
        if (DevicePathType(node) != MEDIA_DEVICE_PATH ||
            DevicePathSubType(node) != MEDIA_FILEPATH_DP)
            continue;
        if (!append_file_path_node(node, path, &length))
            return FALSE;
    }
    return length > 0;
}

/* "\EFI\BOOT\BOOTX64.EFI" -> "\EFI\BOOT\" */
static void strip_file_name(CHAR16 *path)
{
    UINTN keep = 0;

    for (UINTN i = 0; path[i]; i++)
        if (path[i] == L'\\')
            keep = i + 1;
    if (keep == 0)
        path[keep++] = L'\\';
    path[keep] = 0;
}

static EFI_STATUS open_volume(EFI_HANDLE device, EFI_FILE_HANDLE *root)
{
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *file_system;
    EFI_STATUS status = BS->HandleProtocol(device, &FileSystemProtocol, (void **)&file_system);

    if (EFI_ERROR(status))
        return status;
    return file_system->OpenVolume(file_system, root);
}

EFI_STATUS esp_open_own_dir(EFI_HANDLE image, struct esp_dir *dir)
{
    EFI_LOADED_IMAGE *loaded;
    EFI_STATUS status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded);

    if (!EFI_ERROR(status))
        status = open_volume(loaded->DeviceHandle, &dir->root);
    if (EFI_ERROR(status)) {
        Print(L"bulkhead: error: cannot open the volume this program was loaded from: %r\r\n",
              status);
        return status;
    }
    /* Loaded from memory rather than a file: assume the standard place. */
    if (file_path_of(loaded->FilePath, dir->path))
        strip_file_name(dir->path);
    else
        StrCpy(dir->path, DEFAULT_DIR);
    return EFI_SUCCESS;
}

static BOOLEAN build_path(const struct esp_dir *dir, const char *name, CHAR16 *path)
{
    UINTN length = 0;

    path[0] = 0;
    for (UINTN i = 0; dir->path[i]; i++)
        if (!append_char(path, &length, dir->path[i]))
            return FALSE;
    for (UINTN i = 0; name[i]; i++)
        if (!append_char(path, &length, (CHAR16)(UINT8)name[i]))
            return FALSE;
    return TRUE;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE handle, UINT64 *size)
{
    UINT64 buffer[(sizeof(EFI_FILE_INFO) + ESP_PATH_LEN * sizeof(CHAR16)) / sizeof(UINT64) + 1];
    UINTN buffer_size = sizeof(buffer);
    EFI_FILE_INFO *info = (EFI_FILE_INFO *)buffer;
    EFI_STATUS status = handle->GetInfo(handle, &GenericFileInfo, &buffer_size, info);

    if (EFI_ERROR(status))
        return status;
    if (info->Attribute & EFI_FILE_DIRECTORY)
        return EFI_NOT_FOUND; /* a directory is not the file that was asked for */
    *size = info->FileSize;
    return EFI_SUCCESS;
}

static EFI_STATUS read_whole_file(EFI_FILE_HANDLE handle, const struct esp_file *file)
{
    UINT8 *dest = (UINT8 *)(UINTN)file->phys;

    for (UINT64 done = 0; done < file->size;) {
        UINTN chunk = file->size - done;
        EFI_STATUS status = handle->Read(handle, &chunk, dest + done);
        if (EFI_ERROR(status))
            return status;
        if (chunk == 0)
            return EFI_END_OF_FILE; /* shorter than its directory entry said */
        done += chunk;
    }
    return EFI_SUCCESS;
}

static EFI_STATUS open_file(const struct esp_dir *dir, struct esp_file *file,
                            EFI_FILE_HANDLE *handle)
{
    EFI_STATUS status = dir->root->Open(dir->root, handle, file->path, EFI_FILE_MODE_READ, 0);

    if (EFI_ERROR(status))
        return status;
    status = file_size(*handle, &file->size);
    if (EFI_ERROR(status))
        (*handle)->Close(*handle);
    return status;
}

EFI_STATUS esp_load_file(const struct esp_dir *dir, const char *name, UINT32 memory_type,
                         struct esp_file *file)
{
    EFI_FILE_HANDLE handle;
    EFI_STATUS status;

    if (!build_path(dir, name, file->path)) {
        Print(L"bulkhead: error: file name too long: %a\r\n", name);
        return EFI_INVALID_PARAMETER;
    }
    status = open_file(dir, file, &handle);
    if (EFI_ERROR(status)) {
        Print(L"bulkhead: error: cannot read %s: %r\r\n", file->path, status);
        return status;
    }
    /* At least one page: an empty file still gets a valid, distinct address. */
    status = pages_allocate(memory_type, file->size ? EFI_SIZE_TO_PAGES(file->size) : 1, 0,
                            file->path, &file->phys);
    if (!EFI_ERROR(status)) {
        status = read_whole_file(handle, file);
        if (EFI_ERROR(status)) {
            Print(L"bulkhead: error: cannot read %s: %r\r\n", file->path, status);
            pages_free(file->phys);
        }
    }
    handle->Close(handle);
    return status;
}

/* An old file of that name goes first: opening it for writing would keep
 * its length, and a shorter text would leave the old tail behind. */
static void delete_if_present(const struct esp_dir *dir, CHAR16 *path)
{
    EFI_FILE_HANDLE handle;

    if (!EFI_ERROR(
            dir->root->Open(dir->root, &handle, path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0)))
        handle->Delete(handle); /* closes the handle too */
}

static EFI_STATUS write_all(EFI_FILE_HANDLE handle, const char *text, UINTN length)
{
    for (UINTN done = 0; done < length;) {
        UINTN chunk = length - done;
        EFI_STATUS status = handle->Write(handle, &chunk, (void *)(text + done));
        if (EFI_ERROR(status))
            return status;
        if (chunk == 0)
            return EFI_VOLUME_FULL;
        done += chunk;
    }
    return handle->Flush(handle);
}

EFI_STATUS esp_write_file(const struct esp_dir *dir, const char *name, const char *text,
                          UINTN length)
{
    CHAR16 path[ESP_PATH_LEN];
    EFI_FILE_HANDLE handle;
    EFI_STATUS status = EFI_INVALID_PARAMETER;

    if (build_path(dir, name, path)) {
        delete_if_present(dir, path);
        status =
            dir->root->Open(dir->root, &handle, path,
                            EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0);
    }
    if (!EFI_ERROR(status)) {
        status = write_all(handle, text, length);
        EFI_STATUS closed = handle->Close(handle);
        if (!EFI_ERROR(status))
            status = closed;
    }
    if (EFI_ERROR(status))
        Print(L"bulkhead: warning: cannot write %a: %r\r\n", name, status);
    return status;
}
