"""A deliberately old-fashioned desktop EHR (Tk, run under Xvfb) that desktop bots drive through pixels only."""
