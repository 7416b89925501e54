"""Placeholder training entry point: python /app/train.py."""
import torch

print("CUDA available:", torch.cuda.is_available())
