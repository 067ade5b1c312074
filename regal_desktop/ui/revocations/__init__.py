"""revocations"""
