// Which reader opened a file: named in LoadedCheckpoint and the report. A file of its own so that
// the webview can name formats without the readers' types.

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'torchscript' | 'safetensors' | 'pickle' | 'torch-dcp';
