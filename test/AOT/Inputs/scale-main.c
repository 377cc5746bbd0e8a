/* Calls _mlir_ciface_scale (from scale.mlir, compiled by convbn-aot) on
   1000 floats 0, 1, 2, ... with factor 2 and says what became of them:
   "scaled" (a GPU ran the kernel), "unchanged" (no GPU: nothing ran, or the
   fake driver, which copies but runs no kernel) or "wrong". */
#include "convbn_cuda_runtime.h"

#include <stdio.h>

typedef struct {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} MemRef1D;

void _mlir_ciface_scale(MemRef1D *buffer, float factor);

int main(void) {
  enum { N = 1000 };
  static float data[N];
  setvbuf(stdout, NULL, _IONBF, 0);
  int available = convbnCudaAvailable();
  printf("available: %d\n", available);
  if (!available)
    printf("why: %s\n", convbnCudaLastError());

  for (int i = 0; i < N; ++i)
    data[i] = (float)i;
  MemRef1D buffer = {data, data, 0, {N}, {1}};
  _mlir_ciface_scale(&buffer, 2.0f);

  int scaled = 1, unchanged = 1;
  for (int i = 0; i < N; ++i) {
    scaled &= data[i] == 2.0f * (float)i;
    unchanged &= data[i] == (float)i;
  }
  printf("%s\n", scaled ? "scaled" : unchanged ? "unchanged" : "wrong");
  return scaled || unchanged ? 0 : 1;
}
