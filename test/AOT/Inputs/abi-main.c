/* Calls _mlir_ciface_everything (abi.mlir, compiled by convbn-aot) once. */
#include "convbn_cuda_runtime.h"

#include <stdio.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} MemRefF32;
typedef struct {
  uint16_t *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} MemRefI16;
typedef struct {
  uint16_t *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MemRefF16x2;

void _mlir_ciface_everything(MemRefF32 *host, MemRefI16 *halves,
                             MemRefF16x2 *tile, int32_t device);

int main(void) {
  static float data[64];
  static uint16_t halfData[48];
  static uint16_t tileData[128 * 32];
  setvbuf(stdout, NULL, _IONBF, 0);
  MemRefF32 host = {data, data, 0, {64}, {1}};
  MemRefI16 halves = {halfData, halfData, 0, {48}, {1}};
  MemRefF16x2 tile = {tileData, tileData, 0, {128, 32}, {32, 1}};
  printf("available: %d\n", convbnCudaAvailable());
  _mlir_ciface_everything(&host, &halves, &tile, 0);
  printf("returned\n");
  return 0;
}
