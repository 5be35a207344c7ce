"""Installs the ``ga2clip`` package (source under ``projects/ga2clip/``)."""
from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent


def read_requirements(name):
    lines = (ROOT / 'requirements' / name).read_text().splitlines()
    return [ln.split('#')[0].strip() for ln in lines
            if ln.split('#')[0].strip()]


setup(
    name='ga2clip',
    version='0.1.0',
    description='GA2-CLIP prompt tuning of CLIP for video recognition, '
    'as an MMAction2 extension',
    long_description=(ROOT / 'README.md').read_text()
    if (ROOT / 'README.md').exists() else '',
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.10',
    package_dir={'': 'projects/ga2clip'},
    packages=find_packages('projects/ga2clip', include=['ga2clip*']),
    package_data={'ga2clip': ['models/model_configs/*.json', 'data/**/*']},
    include_package_data=True,
    install_requires=read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
)
