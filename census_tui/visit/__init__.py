"""visit"""
