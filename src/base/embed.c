#include "base/embed.h"

#include <string.h>

const struct embed_file *embed_data_file(const char *name)
{
        for (int i = 0; i < pcrm_data_files_count; i++)
                if (!strcmp(pcrm_data_files[i].name, name))
                        return &pcrm_data_files[i];
        return NULL;
}
